using System;
using System.Collections.Generic;
using System.Threading;
using Xunit;

namespace CoSched.Tests;

/// <summary>On a scheduler with no event loop, every time-based call throws EventLoopRequiredException naming itself.</summary>
public class EventLoopStubTests
{
    public static IEnumerable<object[]> Calls() => new[]
    {
        Call("Co.Sleep", async () => await Co.Sleep(TimeSpan.FromSeconds(1))),
        Call("Co.Sleep", async () => await Co.Sleep(TimeSpan.Zero)),
        Call("new CoTimer(...)", () => { _ = new CoTimer(TimeSpan.FromSeconds(1)); return CoTask.CompletedTask; }),
        Call("Co.WithTimeout", async () => await Co.WithTimeout(TimeSpan.FromSeconds(1), async () => await Co.Pause())),
        Call("Co.WithTimeout", async () => await Co.WithTimeout(TimeSpan.FromSeconds(1), async () => { await Co.Pause(); return 1; })),
        Call("Co.WithTimeoutOrDefault", async () => await Co.WithTimeoutOrDefault(TimeSpan.FromSeconds(1), async () => { await Co.Pause(); return 1; })),
        Call("Co.RunBlocking", async () => await Co.RunBlocking(() => 1)),
        Call("Co.RunBlocking", async () => await Co.RunBlocking(ct => 1)),
        Call("Co.RunBlocking", async () => await Co.RunBlocking(() => { })),
        Call("Co.RunBlocking", async () => await Co.RunBlocking((CancellationToken ct) => { })),
    };

    private static object[] Call(string name, Func<CoTask> body) => new object[] { name, body };

    [Theory]
    [MemberData(nameof(Calls))]
    public void Call_throws_EventLoopRequired_naming_itself_and_how_to_attach_a_loop(string name, Func<CoTask> body)
    {
        var s = new Scheduler();
        CoroutineHandle h = s.RunAsyncMain(body);
        DrainResult r = s.RunUntilIdle(); // nothing hangs, nothing is left waiting
        Assert.Equal(DrainStatus.Completed, r.Status);
        var ex = Assert.IsType<EventLoopRequiredException>(h.Exception);
        Assert.IsAssignableFrom<NotSupportedException>(ex);
        Assert.StartsWith(name + " needs an event loop", ex.Message);
        Assert.Contains("AttachEventLoop", ex.Message);
        Assert.Equal(0, s.LiveCoroutines);
    }

    [Fact]
    public void CoTimer_created_by_the_host_outside_coroutines_throws_too()
    {
        var s = new Scheduler();
        var ex = Assert.Throws<EventLoopRequiredException>(() => new CoTimer(s, TimeSpan.FromSeconds(1)));
        Assert.StartsWith("new CoTimer(...) needs an event loop", ex.Message);
    }

    [Fact]
    public void Scheduler_only_drain_reports_no_deadline_and_InvokeAsync_still_works()
    {
        var s = new Scheduler();
        System.Threading.Tasks.Task<int> t = s.InvokeAsync(() => 5);
        DrainResult r = s.RunUntilIdle();
        Assert.Null(r.NextDeadline);
        Assert.Null(s.EventLoop);
        Assert.Equal(5, TaskResults.Completed(t));
    }
}
