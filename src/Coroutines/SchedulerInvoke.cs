using System;
using System.Threading.Tasks;

namespace CoSched;

public sealed partial class Scheduler
{
    /// <summary>
    /// Runs <paramref name="func"/> on the scheduler's thread (through the inbox) and returns its result to the caller,
    /// typically a worker thread. The task completes on a thread-pool thread, never inline on the scheduler's thread.
    /// Called on the scheduler's own thread it still goes through the inbox (it never runs inline).
    /// </summary>
    public Task<T> InvokeAsync<T>(Func<T> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try { tcs.SetResult(func()); }
            catch (Exception e) { tcs.SetException(e); }
        });
        return tcs.Task;
    }

    /// <summary>Runs <paramref name="action"/> on the scheduler's thread and completes when it has run.</summary>
    public Task InvokeAsync(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try { action(); tcs.SetResult(); }
            catch (Exception e) { tcs.SetException(e); }
        });
        return tcs.Task;
    }
}
