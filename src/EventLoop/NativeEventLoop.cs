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
    /// <summary>Rounds in a row that read the clock for the same far deadline before the alarm takes over.</summary>
    private const int ClockReadsBeforeAlarm = 16;
    /// <summary>Deadlines nearer than this are checked against the clock every round (precision over cost).</summary>
    private static readonly long NearTicks = 2 * TimeSpan.TicksPerMillisecond;

    // spinCount 0: an idle loop goes straight to the kernel wait (Monitor-based), it never burns a core spinning.
    private readonly ManualResetEventSlim _wake = new(initialState: false, spinCount: 0);
    private readonly SystemClock _clock;
    private long _farDeadline;
    private int _farReads;
    /// <summary>True inside Run: the alarm thread is only used (and always stopped) there.</summary>
    private bool _running;

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
        EnterRun();
        try
        {
            CoroutineHandle handle = Scheduler.RunAsyncMain(main, name, member, file, line);
            Pump();
            handle.TryGetResult();
        }
        finally
        {
            ExitRun();
        }
    }

    /// <summary>Runs <paramref name="main"/> and returns its result; see <see cref="Run(Func{CoTask}, string?, string?, string?, int)"/>.</summary>
    /// <exception cref="DeadlockException">Coroutines are alive and nothing can ever wake one.</exception>
    public T Run<T>(Func<CoTask<T>> main, string? name = "main",
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(main);
        EnterRun();
        try
        {
            CoroutineHandle<T> handle = Scheduler.RunAsyncMain(main, name, member, file, line);
            Pump();
            handle.TryGetResult(out T result);
            return result;
        }
        finally
        {
            ExitRun();
        }
    }

    /// <summary>Marks the loop running (main's first drain, inside RunAsyncMain, may already run most of the program).</summary>
    private void EnterRun()
    {
        Scheduler.CheckThread("NativeEventLoop.Run");
        if (_running) throw new InvalidOperationException("NativeEventLoop.Run is already running on this loop; it is not reentrant.");
        _running = true;
    }

    /// <summary>Stops the alarm thread: a loop that is not running owns no thread.</summary>
    private void ExitRun()
    {
        _running = false;
        StopAlarm();
        _farReads = 0;
    }

    /// <summary>Drains until main has completed, blocking in between; throws on a deadlock.</summary>
    private void Pump()
    {
        // Main may have ended in RunAsyncMain's own drain: a further drain would run what is still ready (a sibling
        // pausing in a loop could keep Run from ever returning), and coroutines alive when main ends stay suspended.
        while (!Scheduler.MainHasEnded)
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

    /// <summary>
    /// Reading the system clock every round would cost more than a pause (20-40 ns on VMs), so a loop that stays busy
    /// while its earliest timer is far away hands that deadline to the alarm thread; rounds then read its flag only.
    /// Near deadlines, and the first rounds after a new earliest one, read the clock directly.
    /// </summary>
    private protected override long ReadClockForDueCheck(long earliestDeadline)
    {
        long now = _clock.Now.Ticks;
        if (earliestDeadline - now <= NearTicks) return now;
        if (earliestDeadline != _farDeadline)
        {
            _farDeadline = earliestDeadline;
            _farReads = 0;
        }
        else if (++_farReads >= ClockReadsBeforeAlarm && _running)
        {
            _farReads = 0;
            ArmAlarm(earliestDeadline);
        }
        return now;
    }

    /// <summary>For tests: told the deadline (null: none) just before the loop thread blocks for work.</summary>
    internal Action<TimeSpan?>? BeforeBlocking;

    private void WaitForWork(TimeSpan? deadline)
    {
        BeforeBlocking?.Invoke(deadline);
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
