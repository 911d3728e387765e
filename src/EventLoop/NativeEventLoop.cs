using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace CoSched;

/// <summary>
/// The console host's event loop: <see cref="Run(Func{CoTask}, string?, string?, string?, int)"/> drives a scheduler on
/// the calling thread on the real monotonic clock (<see cref="SystemClock"/>). It runs rounds while work is ready (due
/// timers are fired before every round) and only when nothing is ready does it block the thread on a kernel-backed
/// wait, for at most the time to the next timer; an inbox post or a foreign completion (which raise
/// <see cref="Scheduler.WorkAvailable"/>) ends the wait at once. It never polls while work is ready and never spins.
/// </summary>
public sealed class NativeEventLoop : EventLoopBase
{
    // spinCount 0: an idle loop goes straight to the kernel wait (Monitor-based), it never burns a core spinning.
    private readonly ManualResetEventSlim _wake = new(initialState: false, spinCount: 0);
    private readonly SystemClock _clock;

    /// <summary>Creates a scheduler bound to the calling thread and attaches a native loop to it.</summary>
    public NativeEventLoop() : this(new Scheduler())
    {
    }

    /// <summary>Attaches a native loop to <paramref name="scheduler"/> (call on its thread).</summary>
    public NativeEventLoop(Scheduler scheduler) : this(scheduler, new SystemClock())
    {
    }

    private NativeEventLoop(Scheduler scheduler, SystemClock clock) : base(scheduler, clock)
    {
        _clock = clock;
        scheduler.WorkAvailable += _wake.Set;
    }

    /// <summary>
    /// Runs <paramref name="main"/> as the main coroutine on the calling thread (the scheduler's) until it ends, while
    /// the coroutines it spawns run alongside; returns when main has ended, or rethrows its exception. Coroutines still
    /// alive when main ends stay suspended.
    /// </summary>
    /// <exception cref="DeadlockException">Coroutines are alive and nothing can ever wake one (the report says which and why).</exception>
    /// <exception cref="WrongThreadException">Not called on the scheduler's thread.</exception>
    public void Run(Func<CoTask> main, string? name = "main",
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(main);
        CoroutineHandle handle = Scheduler.RunAsyncMain(main, name, member, file, line);
        Pump();
        handle.TryGetResult();
    }

    /// <summary>Runs <paramref name="main"/> and returns its result; see <see cref="Run(Func{CoTask}, string?, string?, string?, int)"/>.</summary>
    /// <exception cref="DeadlockException">Coroutines are alive and nothing can ever wake one.</exception>
    public T Run<T>(Func<CoTask<T>> main, string? name = "main",
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(main);
        CoroutineHandle<T> handle = Scheduler.RunAsyncMain(main, name, member, file, line);
        Pump();
        handle.TryGetResult(out T result);
        return result;
    }

    /// <summary>Drains until main has completed, blocking in between; throws on a deadlock.</summary>
    private void Pump()
    {
        while (true)
        {
            // Reset before draining: a post that lands after this point is either run by this drain or sets the event
            // (WorkAvailable is re-armed when the drain runs out of work), so the wait below can never miss it.
            _wake.Reset();
            DrainResult r = Scheduler.RunUntilIdle();
            switch (r.Status)
            {
                case DrainStatus.Completed:
                    return;
                case DrainStatus.Deadlock:
                    throw new DeadlockException(r.Deadlock!);
                case DrainStatus.Idle:
                    WaitForWork(r.NextDeadline);
                    break;
            }
        }
    }

    private void WaitForWork(TimeSpan? deadline)
    {
        if (deadline is not { } due)
        {
            _wake.Wait(); // only a post or a foreign completion can wake anything now
            return;
        }
        long remaining = due.Ticks - _clock.Now.Ticks;
        if (remaining <= 0) return; // due already: the next drain fires it
        // Round up to whole milliseconds (the wait's resolution), so the loop never wakes just before the deadline and
        // spins on zero-length waits.
        long ms = (remaining + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        _wake.Wait((int)Math.Min(ms, int.MaxValue - 1));
    }
}
