using System;
using System.Diagnostics;

namespace CoSched.Host;

/// <summary>
/// The game-loop host: an event loop on a <see cref="HostClock"/> that the game drives once per frame with
/// <see cref="Tick(TimeSpan, DrainBudget)"/>. A tick advances game time (scaled by <see cref="TimeScale"/>, frozen while
/// <see cref="IsPaused"/>), releases the coroutines waiting for this frame (<see cref="Co.NextFrame"/>,
/// <see cref="Co.DelayFrames"/>), fires the timers due in game time (<see cref="Co.Sleep"/>, <see cref="CoTimer"/>,
/// timeouts) and drains within a budget. It never blocks: between ticks the game owns the thread. Every member is for
/// the scheduler's thread.
/// </summary>
/// <remarks>
/// Coroutines waiting for a frame count as external waits (<see cref="DrainResult.ExternalWaitsPending"/>): the next
/// tick will wake them, so they are never reported as deadlocked.
/// </remarks>
public sealed class GameLoopHost : EventLoopBase, IFrameLoop, IWaitSite
{
    private readonly LongStepCollector _steps = new();
    private readonly TimerHeap _delayed = new();
    private WaitList _nextFrame;
    private FrameTimer? _freeFrameTimers;
    private long _frameSequence;
    private bool _ticking;

    /// <summary>Creates a scheduler bound to the calling thread and a game-loop host driving it, at frame 0 and game time 0.</summary>
    public GameLoopHost() : this(new Scheduler())
    {
    }

    /// <summary>Attaches a game-loop host with a new clock at zero to <paramref name="scheduler"/> (call on its thread).</summary>
    /// <exception cref="InvalidOperationException">The scheduler already has an event loop.</exception>
    public GameLoopHost(Scheduler scheduler) : this(scheduler, new HostClock())
    {
    }

    /// <summary>Attaches a game-loop host reading <paramref name="clock"/> to <paramref name="scheduler"/> (call on its thread).</summary>
    /// <exception cref="InvalidOperationException">The scheduler already has an event loop.</exception>
    public GameLoopHost(Scheduler scheduler, HostClock clock) : base(scheduler, clock) => Clock = clock;

    /// <summary>The game clock; <see cref="Tick(TimeSpan, DrainBudget)"/> advances it.</summary>
    public HostClock Clock { get; }

    /// <summary>Game time per unit of real time given to <see cref="Tick(TimeSpan, DrainBudget)"/> (1 by default; 0.5 is slow motion).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, infinite or NaN.</exception>
    public double TimeScale
    {
        get => Clock.TimeScale;
        set => Clock.TimeScale = value;
    }

    /// <summary>While true, ticks do not advance game time: sleeps and timers are frozen, frames still count.</summary>
    public bool IsPaused
    {
        get => Clock.IsPaused;
        set => Clock.IsPaused = value;
    }

    /// <summary>The number of the current (or last) tick; 0 before the first.</summary>
    public long Frame { get; private set; }

    /// <summary>
    /// Whether each coroutine step is timed so <see cref="TickResult.LongestStep"/> is reported (two clock reads per step,
    /// 40-80 ns on a VM). True by default; a long-step threshold times steps whatever this says.
    /// </summary>
    public bool MeasureSteps { get; set; } = true;

    /// <summary>
    /// Steps that run at least this long are reported to <see cref="LongStepReported"/> after the tick's drain, with the
    /// coroutine's name and spawn site. <see cref="TimeSpan.Zero"/> (the default) reports none.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan LongStepThreshold
    {
        get => _steps.ThresholdTicks == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, _steps.ThresholdTicks);
        set
        {
            if (value < TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(value), value, "LongStepThreshold must be >= 0 (0 turns the report off).");
            _steps.ThresholdTicks = value == TimeSpan.Zero ? 0 : Math.Max(1, (long)(value.TotalSeconds * Stopwatch.Frequency));
        }
    }

    /// <summary>
    /// Called on the host thread, after the drain of the tick that ran it, for each step at least
    /// <see cref="LongStepThreshold"/> long. An exception it throws propagates from <see cref="Tick(TimeSpan, DrainBudget)"/>,
    /// after every long step of that tick has been reported (several exceptions in one <see cref="AggregateException"/>).
    /// </summary>
    public Action<LongStep>? LongStepReported { get; set; }

    /// <summary>Runs one frame with no drain budget; see <see cref="Tick(TimeSpan, DrainBudget)"/>.</summary>
    public TickResult Tick(TimeSpan deltaTime) => Tick(deltaTime, DrainBudget.Unlimited);

    /// <summary>
    /// Runs one frame: advances game time by <paramref name="deltaTime"/> x <see cref="TimeScale"/> (nothing while
    /// paused), starts tick <see cref="Frame"/> + 1, wakes the coroutines waiting for it, and drains within
    /// <paramref name="budget"/> (due timers fire at the start of every round). Coroutines left ready by an exhausted
    /// budget run first in the next tick. Never blocks, never throws on a deadlock (see <see cref="TickResult.Status"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="deltaTime"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Called from inside a tick or a coroutine (not reentrant).</exception>
    /// <exception cref="WrongThreadException">Not called on the scheduler's thread.</exception>
    public TickResult Tick(TimeSpan deltaTime, DrainBudget budget)
    {
        Scheduler.CheckThread("GameLoopHost.Tick");
        // Also refused inside any drain (a posted action, a timer callback), before anything changes: a refused tick
        // must not use up a frame (audit finding B).
        if (_ticking || Scheduler.Current is not null || Scheduler.IsDrainingOnThisThread())
            throw new InvalidOperationException("GameLoopHost.Tick is not reentrant: it was called from inside a tick or a " +
                                                "coroutine. Call it once per frame from the game loop.");
        TimeSpan gameDelta = Clock.Advance(deltaTime); // validates deltaTime before anything changes
        _ticking = true;
        try
        {
            long frame = ++Frame;
            long start = Stopwatch.GetTimestamp(); // DrainTime includes releasing the frame waiters, as documented
            ReleaseFrameWaiters(frame);
            bool timed = MeasureSteps || _steps.ThresholdTicks != 0;
            _steps.LongestTicks = 0;
            _steps.Frame = frame;
            Scheduler.StepObserver = timed ? _steps : null;
            DrainResult drain;
            try
            {
                drain = Scheduler.RunUntilIdle(budget);
            }
            catch
            {
                // The tick's long-step reports are delivered with the tick that ran the steps, even when its drain
                // throws (a posted action's error), not with the next one (audit finding C).
                Scheduler.StepObserver = null;
                _steps.Flush(LongStepReported);
                throw;
            }
            finally
            {
                Scheduler.StepObserver = null;
            }
            TimeSpan drainTime = Stopwatch.GetElapsedTime(start);
            _steps.Flush(LongStepReported);
            return new TickResult(frame, gameDelta, Clock.Now, drain, drainTime,
                                  timed ? Stopwatch.GetElapsedTime(0, _steps.LongestTicks) : null);
        }
        finally
        {
            _ticking = false;
        }
    }

    /// <summary>Number of coroutines waiting for a later tick.</summary>
    public int FrameWaiters
    {
        get
        {
            Scheduler.CheckThread();
            return _nextFrame.Count + _delayed.Count;
        }
    }

    // ----- frame waits -----

    void IFrameLoop.ParkForFrames(Coroutine co, object continuation, int frames)
    {
        if (frames == 1)
        {
            co.Park(continuation, this);
            _nextFrame.Add(co);
        }
        else
        {
            FrameTimer timer = _freeFrameTimers ?? new FrameTimer(this);
            co.Park(continuation, timer); // first: it refuses a carried awaitable before the pool changes
            if (ReferenceEquals(timer, _freeFrameTimers)) _freeFrameTimers = timer.NextFree;
            timer.NextFree = null;
            timer.Waiter = co;
            timer.Deadline = Frame + frames;
            timer.Sequence = _frameSequence++;
            _delayed.Add(timer);
        }
        // The next tick wakes it: blocked coroutines are idle, not deadlocked.
        Scheduler.AddExternalWait();
    }

    /// <summary>
    /// Wakes the waiters of <paramref name="frame"/> in arming order: the delayed ones (armed at least two ticks ago)
    /// first, then those of <c>Co.NextFrame()</c> (armed during the previous tick or since).
    /// </summary>
    private void ReleaseFrameWaiters(long frame)
    {
        while (_delayed.Count != 0 && _delayed.Min.Deadline <= frame) _delayed.PopMin().Fire();
        while (_nextFrame.RemoveFirst() is { } co) ReleaseFrameWaiter(co);
    }

    /// <summary>
    /// Queues a frame waiter for the drain that <see cref="Tick(TimeSpan, DrainBudget)"/> runs next, without raising
    /// <see cref="Scheduler.WorkAvailable"/>: the tick drains anyway, and a handler that threw here would cut the frame
    /// short after some waiters were released (audit finding D).
    /// </summary>
    internal void ReleaseFrameWaiter(Coroutine co)
    {
        Scheduler.RemoveExternalWait();
        Scheduler.WakeWhileDraining(co);
    }

    internal void UnscheduleFrameTimer(FrameTimer timer)
    {
        _delayed.Remove(timer);
        Scheduler.RemoveExternalWait();
    }

    internal void ReturnFrameTimer(FrameTimer timer)
    {
        timer.NextFree = _freeFrameTimers;
        _freeFrameTimers = timer;
    }

    bool IWaitSite.TryCancelWait(Coroutine waiter)
    {
        if (!waiter.InWaitList) return false;
        _nextFrame.Remove(waiter);
        Scheduler.RemoveExternalWait();
        return true;
    }

    string IWaitSite.Describe() => $"Co.NextFrame (tick {Frame + 1})";
}
