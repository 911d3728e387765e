using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace CoSched.Tests.Reliability;

/// <summary>
/// A stand-in for a .NET IO operation (a foreign awaitable: not a CoSched primitive) that the test completes from a
/// thread of its choice. Unlike a Task, it runs the continuation inside <see cref="CompleteOnNewThread"/>, so whatever
/// the continuation throws is caught and returned instead of reaching the thread pool (where it would end the process).
/// </summary>
internal sealed class ManualForeignOperation<T> : ICriticalNotifyCompletion
{
    private Action? _continuation;
    private T _result = default!;
    private volatile bool _completed;

    public ManualForeignOperation<T> GetAwaiter() => this;

    public bool IsCompleted => _completed;

    public T GetResult() => _result;

    /// <summary>Set once the awaiter has registered its continuation: a completing thread waits for it, not for time.</summary>
    public readonly ManualResetEventSlim Registered = new();

    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    public void UnsafeOnCompleted(Action continuation)
    {
        _continuation = continuation;
        Registered.Set();
    }

    /// <summary>Completes the operation on a new thread (as an IO completion would) and returns what the continuation threw.</summary>
    public Exception? CompleteOnNewThread(T result)
    {
        Exception? escaped = null;
        var t = new Thread(() =>
        {
            _result = result;
            _completed = true;
            try { _continuation?.Invoke(); }
            catch (Exception e) { escaped = e; }
        });
        t.Start();
        t.Join();
        return escaped;
    }
}
