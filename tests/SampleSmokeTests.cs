using System;
using System.IO;
using System.Linq;
using CoSched.Samples.GameLoop;
using CoSched.Samples.GuestHost;
using Xunit;

namespace CoSched.Tests;

public class SampleSmokeTests
{
    [Fact]
    public void GameLoop_sample_runs_150_frames_and_prints_a_line_per_frame()
    {
        var output = new StringWriter();
        var sim = new GameLoopSimulation(output);
        sim.Run(150, realTime: false); // game time is fixed-step, so no pacing is needed
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] frameLines = lines.Where(l => l.StartsWith("frame ")).ToArray();
        Assert.Equal(150, frameLines.Length);
        Assert.Contains("frame   150  t= 2.500s", frameLines[^1]);
        Assert.All(frameLines, l => Assert.Matches(@"drain +\d+\.\d{3} ms  steps +\d+  longest step +\d+\.\d{3} ms  budget 4 ms (held|EXCEEDED)", l));
        Assert.Contains("entities  342", frameLines[0]);
        string summary = Assert.Single(lines, l => l.StartsWith("summary: "));
        Assert.StartsWith("summary: 150 frames, budget held in ", summary);
        Assert.Contains("2 projectiles spawned", summary); // one per game second, at t = 1 s and t = 2 s
        Assert.True(sim.EventsHandled > 10, $"{sim.EventsHandled} events"); // 40 timers of 0.5-2 s over 2.5 s, plus an expiry
    }

    [Fact]
    public void GuestHost_sample_exchanges_its_messages_and_reports_onDone()
    {
        var output = new StringWriter();
        int exit = GuestHostDemo.Run(messages: 3, maxPumpMessages: 1_000, output);
        string text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Equal(3, text.Split('\n').Count(l => l.Contains("[guest] consumer got message")));
        Assert.Contains("summary: guest exchanged 3 messages", text);
        Assert.Contains("onDone: succeeded: 3", text);
    }
}
