using System;
using System.Threading;
using System.Threading.Tasks;

namespace CoSched;

/// <summary>
/// A lock for the coroutines of one scheduler: a <see cref="CoSemaphore"/> of one permit, with the same FIFO hand-off
/// and cancellation rules. Hold it across awaits with a scope:
/// <code>using (await mutex.LockAsync()) { ... }</code>
/// The releaser is a struct (no allocation); disposing it twice, or after <see cref="Unlock"/>, does nothing, so a
/// stale releaser can never unlock a later holder. The lock is not owned and not reentrant: a coroutine that locks it
/// twice waits for itself. All members must be called on the scheduler's thread.
/// </summary>
public sealed class CoMutex
{
    private readonly CoSemaphore _semaphore;
    /// <summary>Bumped by every unlock: a releaser from an earlier holding no longer matches.</summary>
    private int _generation;

    /// <summary>Creates an unlocked mutex for <paramref name="scheduler"/>'s coroutines.</summary>
    public CoMutex(Scheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        _semaphore = new CoSemaphore(SchedulerBinding.Resolve(scheduler, "CoMutex"), 1, 1, "CoMutex.LockAsync") { Mutex = this };
    }

    /// <summary>Creates an unlocked mutex bound to the calling coroutine's scheduler.</summary>
    /// <exception cref="InvalidOperationException">Called outside any coroutine: pass the scheduler instead.</exception>
    public CoMutex() => _semaphore = new CoSemaphore(SchedulerBinding.Resolve(null, "CoMutex"), 1, 1, "CoMutex.LockAsync") { Mutex = this };

    /// <summary>True while some coroutine holds the lock (or it is being handed to the next waiter).</summary>
    public bool IsLocked => _semaphore.Available == 0;

    internal int WaiterCount => _semaphore.WaiterCount;

    /// <summary>
    /// Takes the lock, waiting FIFO if it is held; returns a releaser to dispose (<c>using</c>) when done.
    /// </summary>
    /// <exception cref="CancelledException">The coroutine was cancelled before it got the lock (it does not hold it).</exception>
    /// <exception cref="InvalidOperationException">Awaited outside any coroutine.</exception>
    /// <exception cref="WrongThreadException">Awaited on a thread other than the scheduler's.</exception>
    public MutexLockAwaitable LockAsync() => new(this, _semaphore.Acquire());

    /// <summary>Takes the lock if it is free (false while held or while others wait). Release it with <see cref="Unlock"/>.</summary>
    /// <exception cref="WrongThreadException">Called from a thread other than the scheduler's.</exception>
    public bool TryLock() => _semaphore.TryAcquire();

    /// <summary>Releases the lock, handing it to the first waiter if any.</summary>
    /// <exception cref="SemaphoreFullException">The mutex is not locked; nothing changed.</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the scheduler's.</exception>
    public void Unlock()
    {
        if (!IsLocked) _semaphore.Release(); // throws SemaphoreFullException, changing nothing
        _generation++; // a new holding: before the release, which may hand it to a waiter (OnHandOff)
        _semaphore.Release();
    }

    /// <summary>The current holding's number: every unlock ends one (a stale releaser then does nothing).</summary>
    internal int Generation => _generation;

    /// <summary>
    /// The lock is handed to <paramref name="waiter"/>: it records the holding it gets now, for its releaser, made when it
    /// resumes (a later <see cref="Unlock"/> before that must not make its releaser match the next holder's).
    /// </summary>
    internal void OnHandOff(Coroutine waiter) => waiter.HandOffTag = _generation;

    internal Releaser CreateReleaser(int generation) => new(this, generation);

    /// <summary>Releases the lock taken by <see cref="LockAsync"/> when disposed; later disposals do nothing.</summary>
    public readonly struct Releaser : IDisposable, IAsyncDisposable
    {
        private readonly CoMutex? _mutex;
        private readonly int _generation;

        internal Releaser(CoMutex mutex, int generation)
        {
            _mutex = mutex;
            _generation = generation;
        }

        /// <summary>Unlocks the mutex, unless this holding already ended.</summary>
        /// <exception cref="WrongThreadException">Called from a thread other than the scheduler's.</exception>
        public void Dispose()
        {
            if (_mutex is { } m && m._generation == _generation) m.Unlock();
        }

        /// <summary>Same as <see cref="Dispose"/>; completes at once (for <c>await using</c>).</summary>
        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
