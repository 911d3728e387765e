using System;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace CoSched;

/// <summary>
/// A value computed once by an asynchronous initializer and shared by every coroutine that waits for it. The initializer
/// starts on the first <see cref="Wait"/> (as a coroutine of its own, so no single waiter owns it) and every waiter gets
/// its result. If every waiter is cancelled before it completes, the initializer is cancelled too and the next
/// <see cref="Wait"/> starts it again. A success or a failure is kept: later waits return the value or rethrow the error
/// at once (use <see cref="Co.Retry{T}(Func{CoTask{T}}, RetryPolicy, int, Func{Exception, bool}?)"/> inside the
/// initializer for transient errors). Bound to the scheduler of its first waiter; from then on scheduler-thread only
/// (other threads get <see cref="WrongThreadException"/>).
/// </summary>
public sealed class CoLazy<T> : ICoroutineOwner, IWaitSite
{
    private readonly Func<CoTask<T>> _initializer;
    private readonly string? _name;
    private readonly string? _file;
    private readonly int _line;
    private readonly string? _member;
    private Scheduler? _scheduler;
    /// <summary>The running initializer; null when none runs (not started, abandoned, or settled).</summary>
    private Coroutine<T>? _running;
    private WaitList _waiters;
    private bool _settled;
    private T _value = default!;
    private ExceptionDispatchInfo? _error;
    private int _starts;

    /// <summary>Creates a lazy value; nothing runs until the first <see cref="Wait"/>.</summary>
    /// <param name="initializer">Computes the value; runs as its own coroutine, named <paramref name="name"/>.</param>
    /// <param name="name">A name for diagnostics (the initializer coroutine and deadlock reports).</param>
    /// <param name="member">Filled in by the compiler: the initializer's spawn site.</param>
    /// <param name="file">Filled in by the compiler: the initializer's spawn site.</param>
    /// <param name="line">Filled in by the compiler: the initializer's spawn site.</param>
    public CoLazy(Func<CoTask<T>> initializer, string? name = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        _initializer = initializer;
        _name = name;
        _member = member;
        _file = file;
        _line = line;
    }

    /// <summary>True once the initializer has succeeded.</summary>
    /// <exception cref="WrongThreadException">The lazy value is bound to a scheduler and this is not its thread.</exception>
    public bool IsValueCreated
    {
        get
        {
            _scheduler?.CheckThread();
            return _settled && _error is null;
        }
    }

    /// <summary>How many times the initializer has been started (more than once only after every waiter was cancelled).</summary>
    /// <exception cref="WrongThreadException">The lazy value is bound to a scheduler and this is not its thread.</exception>
    public int StartCount
    {
        get
        {
            _scheduler?.CheckThread();
            return _starts;
        }
    }

    /// <summary>Returns the value if the initializer has succeeded; rethrows its error if it failed; else false. Never starts it.</summary>
    /// <exception cref="WrongThreadException">The lazy value is bound to a scheduler and this is not its thread.</exception>
    public bool TryGetValue(out T value)
    {
        _scheduler?.CheckThread();
        if (!_settled)
        {
            value = default!;
            return false;
        }
        _error?.Throw();
        value = _value;
        return true;
    }

    /// <summary>
    /// Waits for the value, starting the initializer if none runs. Cancelling the waiter abandons only its own wait; the
    /// initializer is cancelled when its last waiter is.
    /// </summary>
    /// <exception cref="InvalidOperationException">Awaited outside any coroutine, or on another scheduler than the first waiter's.</exception>
    public LazyAwaitable<T> Wait()
    {
        Coroutine co = Co.CurrentCoroutine("CoLazy.Wait()");
        if (_scheduler is null) _scheduler = co.Scheduler;
        else if (!ReferenceEquals(_scheduler, co.Scheduler))
            throw new InvalidOperationException("This CoLazy belongs to another scheduler (that of its first waiter). Share lazy " +
                                                "values only among coroutines of one scheduler.");
        return new LazyAwaitable<T>(this, co);
    }

    internal bool IsSettled => _settled;

    /// <summary>Starts the initializer unless it runs already. Called by a waiter about to park.</summary>
    internal void EnsureStarted()
    {
        if (_running is not null) return;
        _starts++;
        _running = _scheduler!.SpawnCore(_initializer, null, _name, _file, _line, _member, this, background: true);
    }

    internal void AddWaiter(Coroutine waiter) => _waiters.Add(waiter);

    /// <summary>The settled outcome, read by a waiter after its wake.</summary>
    internal T GetSettled()
    {
        _error?.Throw();
        return _value;
    }

    void ICoroutineOwner.OnChildEnded(Coroutine child)
    {
        if (!ReferenceEquals(child, _running)) return; // an abandoned (cancelled) initializer: its outcome is dropped
        _running = null;
        switch (child.State)
        {
            case CoroutineState.Done:
                _value = ((Coroutine<T>)child).Result;
                break;
            case CoroutineState.Failed:
                _error = child.Error;
                break;
            default:
                // Cancelled although not abandoned: nothing outside can cancel it, so this is unexpected; start over for
                // whoever still waits rather than leave them hanging.
                if (_waiters.Count > 0) EnsureStarted();
                return;
        }
        _settled = true;
        while (_waiters.RemoveFirst() is { } w) _scheduler!.Wake(w);
    }

    Coroutine? ICoroutineOwner.Parent => null;

    bool IWaitSite.TryCancelWait(Coroutine waiter)
    {
        if (!waiter.InWaitList) return false;
        _waiters.Remove(waiter);
        if (_waiters.Count == 0 && _running is { } init)
        {
            // Nobody wants the value any more: stop computing it. The next Wait starts a fresh initializer.
            _running = null;
            init.Cancel();
        }
        return true;
    }

    string IWaitSite.Describe() =>
        $"CoLazy '{_name ?? "unnamed"}' ({(_running is null ? "no initializer running" : "initializer running")}, {_waiters.Count} waiter(s))";
}
