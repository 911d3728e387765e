using System;
using System.Threading;

namespace CoSched;

/// <summary>
/// A counting semaphore for the coroutines of one scheduler: at most <see cref="Size"/> permits exist.
/// <para>
/// Contract: <see cref="Acquire"/> takes a free permit at once, else waits FIFO. <see cref="Release"/> hands the permit
/// straight to the first waiter (it never becomes free in between), so <see cref="TryAcquire"/> fails while others
/// wait and nobody can overtake the queue. A waiter cancelled while waiting leaves the queue at once; one cancelled
/// after the hand-off keeps the permit (its Acquire returns normally and the cancel hits its next suspension), so
/// permits are never lost. Releasing more than <see cref="Size"/> throws <see cref="SemaphoreFullException"/> and
/// changes nothing. Permits are not owned: any code on the scheduler's thread may release.
/// All members must be called on the scheduler's thread (<see cref="WrongThreadException"/> otherwise).
/// </para>
/// </summary>
public sealed class CoSemaphore : IWaitSite
{
    private readonly Scheduler _scheduler;
    private readonly int _size;
    private readonly string _waitName;
    // Invariant: waiters present => no free permit (Release hands permits over instead of freeing them).
    private int _available;
    private WaitList _waiters;

    /// <summary>Creates a semaphore with <paramref name="size"/> permits, <paramref name="initial"/> of them free.</summary>
    /// <param name="scheduler">The scheduler whose coroutines use it.</param>
    /// <param name="size">Most permits; 1 or more.</param>
    /// <param name="initial">Permits free at the start; 0 to <paramref name="size"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive, or <paramref name="initial"/> is negative or above it.</exception>
    public CoSemaphore(Scheduler scheduler, int size, int initial)
        : this(SchedulerBinding.Resolve(scheduler ?? throw new ArgumentNullException(nameof(scheduler)), "CoSemaphore"),
               size, initial, "CoSemaphore.Acquire")
    {
    }

    /// <summary>Creates a semaphore with <paramref name="size"/> permits, all free.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive.</exception>
    public CoSemaphore(Scheduler scheduler, int size) : this(scheduler, size, size)
    {
    }

    /// <summary>
    /// Creates a semaphore bound to the calling coroutine's scheduler, with <paramref name="size"/> permits,
    /// <paramref name="initial"/> of them free.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called outside any coroutine: pass the scheduler instead.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive, or <paramref name="initial"/> is negative or above it.</exception>
    public CoSemaphore(int size, int initial)
        : this(SchedulerBinding.Resolve(null, "CoSemaphore"), size, initial, "CoSemaphore.Acquire")
    {
    }

    internal CoSemaphore(Scheduler scheduler, int size, int initial, string waitName)
    {
        if (size <= 0)
            throw new ArgumentOutOfRangeException(nameof(size), size,
                "A semaphore needs a size of 1 or more (the most permits that can exist at once).");
        if (initial < 0 || initial > size)
            throw new ArgumentOutOfRangeException(nameof(initial), initial,
                $"The initial number of free permits must be between 0 and the size ({size}).");
        _scheduler = scheduler;
        _size = size;
        _available = initial;
        _waitName = waitName;
    }

    /// <summary>The most permits that can exist.</summary>
    public int Size
    {
        get
        {
            _scheduler.CheckThread("CoSemaphore.Size");
            return _size;
        }
    }

    /// <summary>Permits free right now (0 while coroutines wait).</summary>
    public int Available
    {
        get
        {
            _scheduler.CheckThread("CoSemaphore.Available");
            return _available;
        }
    }

    internal int WaiterCount => _waiters.Count;

    /// <summary>
    /// Takes a permit: at once if one is free, else waits FIFO until a <see cref="Release"/> hands one over.
    /// </summary>
    /// <exception cref="CancelledException">The coroutine was cancelled before it got a permit (it holds none).</exception>
    /// <exception cref="InvalidOperationException">Awaited outside any coroutine.</exception>
    /// <exception cref="WrongThreadException">Awaited on a thread other than the scheduler's.</exception>
    /// <remarks>The checks happen at the await (the awaiter's <c>IsCompleted</c>, before it takes a free permit):
    /// creating the awaitable touches nothing, and an awaitable carried to another thread is refused there.</remarks>
    public SemaphoreAcquireAwaitable Acquire() => new(this);

    /// <summary>What an await of this semaphore is called in error messages ("CoSemaphore.Acquire", "CoMutex.LockAsync").</summary>
    internal string WaitName => _waitName;

    internal Scheduler Scheduler => _scheduler;

    /// <summary>The mutex built on this semaphore, told of each hand-off (null for a plain semaphore).</summary>
    internal CoMutex? Mutex;

    /// <summary>Takes a free permit without waiting; false when none is free (always false while others wait).</summary>
    /// <exception cref="WrongThreadException">Called from a thread other than the scheduler's.</exception>
    public bool TryAcquire()
    {
        _scheduler.CheckThread("CoSemaphore.TryAcquire");
        return TryTake();
    }

    /// <summary>
    /// Returns a permit: hands it to the first waiter (which resumes next round), else frees it.
    /// </summary>
    /// <exception cref="SemaphoreFullException">All <see cref="Size"/> permits are already free; nothing changed.</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the scheduler's.</exception>
    public void Release()
    {
        _scheduler.CheckThread("CoSemaphore.Release");
        if (_waiters.RemoveFirst() is { } waiter)
        {
            Mutex?.OnHandOff(waiter);
            _scheduler.Wake(waiter);
            return;
        }
        if (_available == _size) ThrowFull();
        _available++;
    }

    // Out of line: the message's formatting kept Release too large to inline into the callers' loops.
    private void ThrowFull() =>
        throw new SemaphoreFullException($"Release() was called with all {_size} permits already free: every release " +
                                         "must match an acquire. Nothing was changed.");

    internal bool TryTake()
    {
        if (_available == 0) return false;
        _available--;
        return true;
    }

    internal void Park(Coroutine co, object continuation)
    {
        co.ParkVerified(continuation, this); // co was just looked up as the current coroutine
        if (TryTake()) // hand-driven awaiter only: a permit was freed since IsCompleted
        {
            Mutex?.OnHandOff(co);
            _scheduler.Wake(co);
        }
        else _waiters.Add(co);
    }

    bool IWaitSite.TryCancelWait(Coroutine waiter)
    {
        // Not in the list: the permit was already handed over, and the waiter keeps it.
        if (!waiter.InWaitList) return false;
        _waiters.Remove(waiter);
        return true;
    }

    string IWaitSite.Describe() =>
        $"{_waitName} ({_waiters.Count} waiting, {_available}/{_size} permits free)";
}
