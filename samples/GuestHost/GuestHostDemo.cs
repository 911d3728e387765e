using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using CoSched.Host;

namespace CoSched.Samples.GuestHost;

/// <summary>
/// A guest run inside a <see cref="MessagePump"/>: a producer coroutine sleeps between messages and sends them through a
/// CoQueue to a consumer that "updates the UI", while an input thread keeps posting the host's own messages (clicks)
/// to the pump. The output shows that the host's messages are handled promptly while the coroutines sleep: CoSched
/// never blocks or polls the pump thread; a helper thread posts a drain when a sleep ends.
/// </summary>
internal static class GuestHostDemo
{
    /// <summary>Exchanges <paramref name="messages"/> messages; the pump stops after at most <paramref name="maxPumpMessages"/>.</summary>
    internal static int Run(int messages, int maxPumpMessages, TextWriter output)
    {
        var pump = new MessagePump();
        var clock = Stopwatch.StartNew();
        string ms() => $"{clock.Elapsed.TotalMilliseconds,7:0.0} ms";
        GuestOutcome<int>? outcome = null;
        int clicks = 0, drainsSeen = 0;
        GuestRun run = CoRun.StartGuestRun(async () =>
        {
            var channel = CoQueue<int>.Blocking(1);
            CoroutineHandle<int> consumer = Scheduler.Current!.Spawn(async () =>
            {
                int received = 0;
                while (received < messages)
                {
                    int m = await channel.Get();
                    received++;
                    output.WriteLine($"{ms()}  [guest] consumer got message {m}: label updated (on the pump thread)");
                }
                return received;
            }, "consumer");
            for (int i = 1; i <= messages; i++)
            {
                await Co.Sleep(TimeSpan.FromMilliseconds(20)); // the pump keeps running host messages meanwhile
                await channel.Put(i);
            }
            return await consumer.Wait();
        }, pump.Post, o => outcome = o);

        // The host's own traffic: an "input" thread posts a click every 7 ms, like mouse events reaching a dispatcher.
        using var stop = new ManualResetEventSlim();
        var input = new Thread(() =>
        {
            while (!stop.Wait(7))
                pump.Post(() =>
                {
                    clicks++;
                    if (run.Drains != drainsSeen)
                    {
                        drainsSeen = run.Drains;
                        output.WriteLine($"{ms()}  [host]  click {clicks} handled; CoSched has run {drainsSeen} drains so far");
                    }
                });
        }) { IsBackground = true, Name = "input" };
        input.Start();
        pump.Run(() => outcome is not null, maxPumpMessages);
        stop.Set();
        input.Join();

        string result = outcome is { } o ? o.ToString() : "not done (message bound reached)";
        output.WriteLine($"summary: guest exchanged {(outcome?.Succeeded == true ? outcome.Value.Result : 0)} messages in " +
                         $"{clock.Elapsed.TotalMilliseconds:0} ms; pump ran {pump.Processed} messages ({run.Drains} drains, " +
                         $"{clicks} clicks); longest message {pump.LongestRun.TotalMilliseconds:0.000} ms; longest queue wait " +
                         $"{pump.LongestQueueWait.TotalMilliseconds:0.000} ms; onDone: {result}");
        return outcome?.Succeeded == true ? 0 : 1;
    }
}
