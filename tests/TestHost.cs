using System;
using System.Threading;
using CoSched;

namespace CoSched.Tests;

/// <summary>
/// Drives a scheduler the way a host would: drain, and when idle with external work pending, block on the
/// WorkAvailable signal (an event the scheduler raises, not a timed sleep). The timeout only turns a bug into a failure
/// instead of a hung test run.
/// </summary>
internal sealed class TestHost : IDisposable
{
    private readonly SemaphoreSlim _work = new(0);

    public TestHost(Scheduler scheduler)
    {
        Scheduler = scheduler;
        scheduler.WorkAvailable += () => _work.Release();
    }

    public Scheduler Scheduler { get; }

    /// <summary>Drains until the result is not Idle-with-external-work.</summary>
    public DrainResult DriveToCompletion(int maxDrains = 10_000)
    {
        for (int i = 0; i < maxDrains; i++)
        {
            DrainResult r = Scheduler.RunUntilIdle();
            if (r.Status != DrainStatus.Idle || !r.ExternalWaitsPending) return r;
            if (!_work.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("WorkAvailable was never raised");
        }
        throw new InvalidOperationException("too many drains");
    }

    public void Dispose() => _work.Dispose();
}
