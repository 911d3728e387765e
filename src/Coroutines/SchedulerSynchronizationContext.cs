using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace CoSched;

/// <summary>
/// Installed on the scheduler's thread while it drains, so that plain .NET <c>async Task</c> code running there resumes
/// on the scheduler's thread (through the inbox) instead of the thread pool.
/// </summary>
internal sealed class SchedulerSynchronizationContext : SynchronizationContext
{
    private readonly Scheduler _scheduler;

    internal SchedulerSynchronizationContext(Scheduler scheduler) => _scheduler = scheduler;

    public override void Post(SendOrPostCallback d, object? state) => _scheduler.PostCallback(d, state);

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (_scheduler.IsOnSchedulerThread) d(state);
        else SendFromOtherThread(d, state);
    }

    private void SendFromOtherThread(SendOrPostCallback d, object? state)
    {
        using var done = new ManualResetEventSlim();
        Exception? error = null;
        _scheduler.Post(() =>
        {
            try { d(state); }
            catch (Exception e) { error = e; }
            finally { done.Set(); }
        });
        done.Wait();
        if (error is not null) ExceptionDispatchInfo.Throw(error);
    }

    public override SynchronizationContext CreateCopy() => this;
}
