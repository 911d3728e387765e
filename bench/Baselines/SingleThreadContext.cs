using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace CoSched.Bench;

/// <summary>
/// The minimal single-threaded SynchronizationContext the BCL baselines run under: a FIFO of posted callbacks drained
/// on the calling thread (what a UI or game host would write). Reused across runs, so it allocates nothing itself.
/// </summary>
public sealed class SingleThreadContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new(1024);

    public override void Post(SendOrPostCallback d, object? state) => _queue.Enqueue((d, state));

    public override void Send(SendOrPostCallback d, object? state) => d(state);

    /// <summary>Runs <paramref name="body"/> under this context until it and everything it posted has finished.</summary>
    public void Run(Func<Task> body)
    {
        SynchronizationContext? previous = Current;
        SetSynchronizationContext(this);
        try
        {
            Task task = body();
            while (_queue.Count > 0)
            {
                (SendOrPostCallback callback, object? state) = _queue.Dequeue();
                callback(state);
            }
            task.GetAwaiter().GetResult();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
