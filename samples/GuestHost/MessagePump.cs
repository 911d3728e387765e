using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace CoSched.Samples.GuestHost;

/// <summary>
/// A single-threaded message pump, the stand-in for a UI dispatcher (WPF's Dispatcher, a WinForms message loop): any
/// thread posts actions; the pump thread runs them in order and, while the queue is empty, blocks until the next post.
/// It records how long each message waited in the queue and how long it ran: a responsive UI keeps both short.
/// </summary>
internal sealed class MessagePump
{
    private readonly Queue<(Action Action, long PostedAt)> _queue = new();
    private readonly SemaphoreSlim _posted = new(0);

    internal int Processed { get; private set; }
    internal TimeSpan LongestRun { get; private set; }
    internal TimeSpan LongestQueueWait { get; private set; }

    /// <summary>Thread-safe: queues <paramref name="action"/> for the pump thread (the "BeginInvoke").</summary>
    internal void Post(Action action)
    {
        lock (_queue) _queue.Enqueue((action, Stopwatch.GetTimestamp()));
        _posted.Release();
    }

    /// <summary>Pumps on the calling thread until <paramref name="quit"/> holds or <paramref name="maxMessages"/> ran.</summary>
    internal void Run(Func<bool> quit, int maxMessages)
    {
        while (!quit() && Processed < maxMessages)
        {
            if (!_posted.Wait(TimeSpan.FromSeconds(10))) throw new TimeoutException("no message for 10 s: the guest run stalled");
            (Action action, long postedAt) item;
            lock (_queue) item = _queue.Dequeue();
            long start = Stopwatch.GetTimestamp();
            TimeSpan waited = Stopwatch.GetElapsedTime(item.postedAt, start);
            if (waited > LongestQueueWait) LongestQueueWait = waited;
            item.action();
            TimeSpan ran = Stopwatch.GetElapsedTime(start);
            if (ran > LongestRun) LongestRun = ran;
            Processed++;
        }
    }
}
