using System;
using System.Threading;
using Xunit;

namespace CoSched.Tests;

/// <summary>
/// Drives a virtual loop while real threads (RunBlocking workers, InvokeAsync callers) finish: drains, and while only
/// external work can wake anything, waits for the scheduler's WorkAvailable signal (an event, not a timed sleep; the
/// timeout only turns a bug into a failure instead of a hang).
/// </summary>
internal sealed class ExternalDrain
{
    private readonly VirtualEventLoop _loop;
    private readonly ManualResetEventSlim _signal = new(false);

    public ExternalDrain(VirtualEventLoop loop)
    {
        _loop = loop;
        loop.Scheduler.WorkAvailable += _signal.Set;
    }

    /// <summary>One drain (the signal is reset first, so a post arriving after it cannot be missed).</summary>
    public DrainResult Drain()
    {
        _signal.Reset();
        return _loop.RunUntilIdle();
    }

    /// <summary>Waits for the next post from another thread.</summary>
    public void WaitForPost() =>
        Assert.True(_signal.Wait(TimeSpan.FromSeconds(30)), "no work was posted back within 30 s");

    /// <summary>Drains until the result no longer depends on external work.</summary>
    public DrainResult UntilSettled()
    {
        while (true)
        {
            DrainResult r = Drain();
            if (r.Status != DrainStatus.Idle || !r.ExternalWaitsPending) return r;
            WaitForPost();
        }
    }
}
