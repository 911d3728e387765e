using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace CoSched.Tests;

/// <summary>
/// A single-threaded message pump (a stand-in for a UI dispatcher): any thread posts actions, the pumping thread runs
/// them in order. While its queue is empty it blocks on a kernel wait for the next post, like a dispatcher; the wait's
/// timeout only turns a bug (a run that never posts again) into a failure instead of a hung test run.
/// </summary>
internal sealed class TestMessagePump
{
    private readonly Queue<Action> _queue = new();
    private readonly SemaphoreSlim _posted = new(0);

    /// <summary>Messages run so far.</summary>
    public int Processed { get; private set; }

    /// <summary>The longest time one message took to run.</summary>
    public TimeSpan LongestMessage { get; private set; }

    /// <summary>Messages posted and not yet run.</summary>
    public int Pending
    {
        get
        {
            lock (_queue) return _queue.Count;
        }
    }

    /// <summary>Thread-safe: queues <paramref name="action"/> for the pumping thread.</summary>
    public void Post(Action action)
    {
        lock (_queue) _queue.Enqueue(action);
        _posted.Release();
    }

    /// <summary>Pumps on the calling thread until <paramref name="done"/> holds after a message.</summary>
    public void RunUntil(Func<bool> done, int maxMessages = 1_000_000)
    {
        while (!done())
        {
            if (!_posted.Wait(TimeSpan.FromSeconds(20))) throw new TimeoutException("the pump got no message for 20 s");
            Action next;
            lock (_queue) next = _queue.Dequeue();
            long start = Stopwatch.GetTimestamp();
            next();
            TimeSpan took = Stopwatch.GetElapsedTime(start);
            if (took > LongestMessage) LongestMessage = took;
            if (++Processed > maxMessages) throw new InvalidOperationException("too many messages");
        }
    }
}

/// <summary>A SynchronizationContext whose Post queues to a <see cref="TestMessagePump"/> (what a UI framework's context does).</summary>
internal sealed class PumpSynchronizationContext(TestMessagePump pump) : SynchronizationContext
{
    public int Posts;

    public override void Post(SendOrPostCallback d, object? state)
    {
        Interlocked.Increment(ref Posts);
        pump.Post(() => d(state));
    }

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("a guest run never sends");
}
