using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>
/// A handle to a spawned coroutine that produces a value. Cheap to copy. The outcome is read with <see cref="Wait"/>
/// (which consumes it: afterwards the record is recycled and further use of any copy of the handle throws
/// <see cref="InvalidOperationException"/>) or polled with <see cref="TryGetResult"/> (which does not consume it).
/// All members must be called on the scheduler's thread.
/// </summary>
public readonly struct CoroutineHandle<T>
{
    private readonly Coroutine<T>? _co;
    private readonly int _version;

    internal CoroutineHandle(Coroutine<T> co, int version)
    {
        _co = co;
        _version = version;
    }

    /// <summary>The coroutine's current state.</summary>
    public CoroutineState State => Record().State;

    /// <summary>True once the coroutine has ended (done, failed or cancelled).</summary>
    public bool IsCompleted => Record().HasEnded;

    /// <summary>The coroutine's name, if it was given one.</summary>
    public string? Name => Record().Name;

    /// <summary>The exception the coroutine ended with, or null (not ended, or succeeded).</summary>
    public Exception? Exception => Record().Error?.SourceException;

    /// <summary>
    /// Requests cancellation: sticky, delivered at the coroutine's suspension points (unless shielded).
    /// Cancelling an ended coroutine does nothing.
    /// </summary>
    /// <exception cref="AggregateException">
    /// Callbacks registered on the token of the coroutine (<c>Co.CancellationToken</c>), of a coroutine its cancel
    /// reached (children of a group it waits for), or of offloaded work it waits for threw; as with
    /// <see cref="System.Threading.CancellationTokenSource.Cancel()"/>, every cancel and every callback ran first. A single
    /// failing source (one token, or a <see cref="Scheduler.WorkAvailable"/> handler raised by the wake) is rethrown as is.
    /// </exception>
    public void Cancel()
    {
        Coroutine co = Record();
        co.Scheduler.CancelFromHandle(co);
    }

    /// <summary>
    /// Waits for the coroutine to end and returns its result, or rethrows its exception. Several coroutines may wait at
    /// once; the outcome is consumed when they have read it.
    /// </summary>
    public JoinAwaitable<T> Wait()
    {
        Coroutine<T> co = _co ?? throw new InvalidOperationException("This CoroutineHandle is default; handles come from Spawn.");
        Coroutine waiter = co.Scheduler.CurrentForAwait("CoroutineHandle.Wait()"); // checks the thread
        if (co.Version != _version) ThrowConsumed();
        return new JoinAwaitable<T>(co, waiter);
    }

    /// <summary>
    /// Returns false while the coroutine runs; true with its result once it has succeeded; rethrows its exception if it
    /// failed or was cancelled. Does not consume the outcome.
    /// </summary>
    public bool TryGetResult(out T result)
    {
        Coroutine<T> co = Record();
        if (!co.HasEnded)
        {
            result = default!;
            return false;
        }
        co.Error?.Throw();
        result = co.Result;
        return true;
    }

    private Coroutine<T> Record()
    {
        Coroutine<T> co = _co ?? throw new InvalidOperationException("This CoroutineHandle is default; handles come from Spawn.");
        co.Scheduler.CheckThread("CoroutineHandle");
        if (co.Version != _version) ThrowConsumed();
        return co;
    }

    internal static void ThrowConsumed() =>
        throw new InvalidOperationException("This coroutine has ended and its outcome was already consumed (by Wait(), or " +
                                            "when its group ended). Keep the result Wait() returned instead of asking again.");

    /// <summary>Drops the result type.</summary>
    public static implicit operator CoroutineHandle(CoroutineHandle<T> handle) => new(handle._co, handle._version);
}

/// <summary>
/// A handle to a spawned coroutine whose result is not needed. See <see cref="CoroutineHandle{T}"/> for the rules.
/// </summary>
public readonly struct CoroutineHandle
{
    private readonly Coroutine? _co;
    private readonly int _version;

    internal CoroutineHandle(Coroutine? co, int version)
    {
        _co = co;
        _version = version;
    }

    /// <summary>The coroutine's current state.</summary>
    public CoroutineState State => Record().State;

    /// <summary>True once the coroutine has ended.</summary>
    public bool IsCompleted => Record().HasEnded;

    /// <summary>The coroutine's name, if it was given one.</summary>
    public string? Name => Record().Name;

    /// <summary>The exception the coroutine ended with, or null.</summary>
    public Exception? Exception => Record().Error?.SourceException;

    /// <summary>Requests cancellation (sticky, delivered at suspension points unless shielded).</summary>
    /// <exception cref="AggregateException">Token callbacks threw; see <see cref="CoroutineHandle.Cancel"/>.</exception>
    public void Cancel()
    {
        Coroutine co = Record();
        co.Scheduler.CancelFromHandle(co);
    }

    internal Coroutine? RecordForTests => _co;

    /// <summary>Waits for the coroutine to end; rethrows its exception. Consumes the outcome.</summary>
    public JoinAwaitable Wait()
    {
        Coroutine co = _co ?? throw new InvalidOperationException("This CoroutineHandle is default; handles come from Spawn.");
        Coroutine waiter = co.Scheduler.CurrentForAwait("CoroutineHandle.Wait()"); // checks the thread
        if (co.Version != _version) CoroutineHandle<VoidResult>.ThrowConsumed();
        return new JoinAwaitable(co, waiter);
    }

    /// <summary>False while running; true once it succeeded; rethrows its exception if it failed or was cancelled.</summary>
    public bool TryGetResult()
    {
        Coroutine co = Record();
        if (!co.HasEnded) return false;
        co.Error?.Throw();
        return true;
    }

    private Coroutine Record()
    {
        Coroutine co = _co ?? throw new InvalidOperationException("This CoroutineHandle is default; handles come from Spawn.");
        co.Scheduler.CheckThread("CoroutineHandle");
        if (co.Version != _version) CoroutineHandle<VoidResult>.ThrowConsumed();
        return co;
    }
}
