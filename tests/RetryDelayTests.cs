using System;
using System.Collections.Generic;
using CoSched;
using Xunit;

namespace CoSched.Tests;

/// <summary>Retry delays, on the deterministic virtual-clock loop.</summary>
public class RetryDelayTests
{
    private readonly Scheduler _s = new();

    [Fact]
    public void Fixed_delay_waits_on_the_event_loop_clock_between_attempts()
    {
        var clock = new VirtualEventLoop(_s);
        var times = new List<double>();
        CoroutineHandle main = _s.RunAsyncMain(async () =>
        {
            await Co.Retry(() =>
            {
                times.Add(clock.Now.TotalMilliseconds);
                return times.Count < 3 ? CoTask.FromException(new TimeoutException()) : CoTask.CompletedTask;
            }, RetryPolicy.FixedDelay(TimeSpan.FromMilliseconds(100)));
        });
        for (int i = 0; i < 5 && !main.IsCompleted; i++)
        {
            clock.AdvanceBy(TimeSpan.FromMilliseconds(50));
        }
        Assert.Equal(CoroutineState.Done, main.State);
        Assert.Equal(new[] { 0.0, 100.0, 200.0 }, times);
    }

    [Fact]
    public void Exponential_delay_grows_by_the_factor_up_to_the_cap()
    {
        var clock = new VirtualEventLoop(_s);
        var times = new List<double>();
        CoroutineHandle main = _s.RunAsyncMain(async () =>
        {
            await Co.Retry(() =>
            {
                times.Add(clock.Now.TotalMilliseconds);
                return times.Count < 5 ? CoTask.FromException(new TimeoutException()) : CoTask.CompletedTask;
            }, RetryPolicy.ExponentialDelay(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(25), factor: 2));
        });
        for (int i = 0; i < 100 && !main.IsCompleted; i++)
        {
            clock.AdvanceBy(TimeSpan.FromMilliseconds(5));
        }
        Assert.Equal(CoroutineState.Done, main.State);
        Assert.Equal(new[] { 0.0, 10.0, 30.0, 55.0, 80.0 }, times); // delays 10, 20, 25 (capped), 25
    }

    [Fact]
    public void A_cancel_during_the_delay_stops_the_retries()
    {
        var clock = new VirtualEventLoop(_s);
        int attempts = 0;
        CoroutineHandle main = _s.Spawn(async () =>
        {
            await Co.Retry(() => { attempts++; return CoTask.FromException(new TimeoutException()); },
                           RetryPolicy.FixedDelay(TimeSpan.FromSeconds(1)));
        });
        _s.RunUntilIdle();
        Assert.True(clock.HasPendingTimers);
        main.Cancel();
        _s.RunUntilIdle();
        Assert.Equal(CoroutineState.Cancelled, main.State);
        Assert.Equal(1, attempts);
        Assert.False(clock.HasPendingTimers);
    }
}
