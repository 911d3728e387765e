using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using CoSched;

namespace CoSched.Tests.Reliability;

/// <summary>
/// Interprets one <see cref="RandomProgram"/> on a fresh <see cref="Scheduler"/> with a <see cref="VirtualEventLoop"/>,
/// driven step by step by the host script, and checks the invariants CoSched promises. Violations are collected (never
/// thrown inside a coroutine, which would change the program) and returned; an exception escaping the interpreter is a
/// failure too.
/// </summary>
/// <remarks>
/// <para>Invariants checked:</para>
/// <list type="bullet">
/// <item>Queues: no item is got twice; at the end every item whose Put/TryPut returned was got exactly once, or is
/// still buffered, or is accounted for by a close with clear or by a discarding queue's policy (counted exactly when
/// they happen); no item whose put failed ever appears.</item>
/// <item>Semaphore: never more holders than permits; at rest, free permits + held permits = size, and no waiter while
/// a permit is free; at the end all permits are free.</item>
/// <item>Condition: at rest, every successful signal (and each coroutine a broadcast woke) matches exactly one wait that
/// returned.</item>
/// <item>Defers: each defer added runs exactly once, after every child of its group has ended, in LIFO order.</item>
/// <item>Coroutines: each starts and ends exactly once; a drain that reports Deadlock names exactly the coroutines that
/// have not ended (and none of them is ready); cancelling the root always ends a deadlocked program; a handle shows the
/// state its coroutine ended in, and a handle kept after its group ended throws InvalidOperationException.</item>
/// <item>Groups: each one's outcome is the one <see cref="GroupOutcomeModel"/> derives from the observed events.</item>
/// <item>Time: a sleep never returns before its deadline; each Co.WithTimeout call ends as
/// <see cref="TimeoutOutcomeModel"/> predicts; no timer is left pending at the end.</item>
/// <item>Afterwards the scheduler still runs new work.</item>
/// </list>
/// </remarks>
internal sealed class RandomProgramRun
{
    /// <summary>A drain longer than this is a livelock: programs have no loops.</summary>
    private const int StepLimit = 100_000;

    private readonly RandomProgram _p;
    private readonly Scheduler _s = new();
    private readonly VirtualEventLoop _loop;
    private readonly CoQueue<int>[] _queues;
    private readonly QueueLedger[] _ledgers;
    private readonly CoSemaphore _semaphore;
    private readonly CoCondition _condition;
    private readonly CoLazy<int>[] _lazies;
    private readonly CoTimer? _timer;
    private readonly TimerModel _timerModel = new();
    private readonly LazyModel[] _lazyModels;
    private readonly Dictionary<int, CoroutineInfo> _co = new();
    private readonly List<GroupOutcomeModel> _groups = new();
    private readonly List<string> _violations = new();
    private int _holders;
    private long _signalled;
    private long _wokenWaits;
    private int _nextItem;
    // Figures for the test output (docs/reliability.md).
    private int _operations;
    private int _steps;
    private int _groupsFailed;
    private int _rescues;
    private int _sleeps;
    private int _timeoutsFired;
    private int _strayCallsUnwound;
    private int _awaitsRefused;
    private int _foreignWaits;
    private int _foreignTokenCancels;
    private int _lazyWaits;
    private int _lazyRestarts;
    private int _timerWaits;
    /// <summary>
    /// Every await of a foreign operation, by the operation's id: one Task each. An id is awaited more than once only by
    /// the runs of a lazy value's initializer; they get a Task each, because .NET resumes the second and later awaiters
    /// of one Task on the thread pool, which would make the run's order depend on thread timing.
    /// </summary>
    private readonly Dictionary<int, List<ForeignOperation>> _foreign = new();
    /// <summary>The completions the program asked for, by id: an await made later completes at once with it.</summary>
    private readonly Dictionary<int, CompleteForeignOp> _foreignCompletions = new();
    /// <summary>Foreign awaits that suspended and have not returned: the library must report them as external waits.</summary>
    private int _foreignPending;
    /// <summary>The refusals seen so far (see <see cref="IsExpected"/>), by identity.</summary>
    private readonly HashSet<Exception> _refusals = new(ReferenceEqualityComparer.Instance);
    /// <summary>The OperationCanceledExceptions of foreign operations cancelled through a coroutine's token, by identity.</summary>
    private readonly HashSet<Exception> _foreignCancels = new(ReferenceEqualityComparer.Instance);

    private RandomProgramRun(RandomProgram p)
    {
        _p = p;
        _loop = new VirtualEventLoop(_s);
        _queues = new CoQueue<int>[p.Queues.Length];
        _ledgers = new QueueLedger[p.Queues.Length];
        for (int i = 0; i < _queues.Length; i++)
        {
            QueueSpec q = p.Queues[i];
            _queues[i] = q.Kind switch
            {
                QueueKind.Unbounded => CoQueue<int>.Unbounded(_s),
                QueueKind.Blocking => CoQueue<int>.Blocking(q.Capacity, _s),
                QueueKind.DiscardOldest => CoQueue<int>.DiscardOldest(q.Capacity, _s),
                _ => CoQueue<int>.DiscardLatest(q.Capacity, _s),
            };
            _ledgers[i] = new QueueLedger();
        }
        _semaphore = new CoSemaphore(_s, p.SemaphoreSize);
        _condition = new CoCondition(_s);
        if (p.TimerDueMs >= 0)
        {
            _timer = new CoTimer(_s, TimeSpan.FromMilliseconds(p.TimerDueMs));
            _timerModel.Armed = true;
        }
        _lazies = new CoLazy<int>[p.Lazies.Length];
        _lazyModels = new LazyModel[p.Lazies.Length];
        for (int i = 0; i < _lazies.Length; i++)
        {
            int index = i;
            _lazies[i] = new CoLazy<int>(() => RunInitializer(index), name: LazyModel.Name(i));
            _lazyModels[i] = new LazyModel();
        }
        foreach (int id in p.CoroutineIds()) _co[id] = new CoroutineInfo(id);
    }

    /// <summary>What a run observed, for the figures in docs/reliability.md.</summary>
    internal readonly record struct Stats(int Operations, int Steps, int Coroutines, bool Deadlocked, bool RootCancelled, int GroupsFailed,
                                         int Rescues, int Sleeps, int TimeoutsFired, int StrayCallsUnwound,
                                         int AwaitsRefused, int ForeignWaits,
                                         int ForeignTokenCancels, int LazyWaits, int LazyRestarts,
                                         int TimerWaits);

    /// <summary>Runs <paramref name="p"/> and returns the violated invariants (empty: all held).</summary>
    public static List<string> Execute(RandomProgram p, out Stats stats)
    {
        var run = new RandomProgramRun(p);
        try
        {
            run.Run(out stats);
        }
        catch (Exception e)
        {
            stats = default;
            run._violations.Add($"the run threw {e}");
        }
        return run._violations;
    }

    private void Run(out Stats stats)
    {
        CoroutineInfo root = _co[RandomProgram.RootId];
        root.Spawned = true;
        root.Handle = _s.Spawn(() => RunCoroutine(root, () => RunGroup(root, new GroupOp(RandomProgram.RootBodyId, _p.Root, Catch: false)), null),
                               name: root.Name);
        foreach (HostStep h in _p.Host)
        {
            Observe(_s.RunUntilIdle(DrainBudget.Steps(h.Steps)));
            if (h.Action is { } a) HostAct(a);
        }
        DrainResult end = DrainToRest();
        bool deadlocked = end.Status == DrainStatus.Deadlock;
        // A deadlock verdict is about the coroutines alone: the host can still feed them. Rescue what the host can
        // (condition waiters, queue readers and writers) a few times, then cancel the root for the rest.
        end = RescueWhileStuck(end);
        bool rootCancelled = end.Status == DrainStatus.Deadlock;
        if (rootCancelled)
        {
            CheckAtRest();
            root.Handle.Value.Cancel();
            // A cancelled coroutine still waits for a foreign operation it awaits (the await completes when the
            // operation does): the host completes them; nothing else may be left blocked.
            end = RescueWhileStuck(DrainToRest());
            if (end.Status != DrainStatus.Completed)
                Violation($"cancelling the root did not end a deadlocked program: {end}\n{end.Deadlock}");
        }
        else if (end.Status != DrainStatus.Completed) Violation($"the final drain stopped with {end}");
        if (end.Status == DrainStatus.Completed) CheckEnd();
        stats = new Stats(_operations, _steps, _co.Count, deadlocked, rootCancelled, _groupsFailed, _rescues, _sleeps, _timeoutsFired, _strayCallsUnwound,
                          _awaitsRefused, _foreignWaits,
                          _foreignTokenCancels, _lazyWaits, _lazyRestarts,
                          _timerWaits);
    }

    /// <summary>
    /// While the program is stuck (a deadlock verdict, or idle with only external waits: foreign operations that only
    /// the host completes, as IO would), lets the host feed what it can and drains again.
    /// </summary>
    private DrainResult RescueWhileStuck(DrainResult end)
    {
        for (int i = 0; i < 32 && (end.Status == DrainStatus.Deadlock || end is { Status: DrainStatus.Idle, ExternalWaitsPending: true }) && Rescue(); i++)
            end = DrainToRest();
        return end;
    }

    /// <summary>
    /// Drains, jumping the virtual clock to the next deadline whenever nothing is ready (VirtualEventLoop.RunUntilIdle,
    /// bounded: a program has no loops, so a drain this long is a livelock).
    /// </summary>
    private DrainResult DrainToRest()
    {
        int steps = 0;
        while (true)
        {
            DrainResult r = _s.RunUntilIdle(DrainBudget.Steps(StepLimit));
            Observe(r);
            steps += r.Steps;
            if (r.Status == DrainStatus.BudgetExhausted || steps > StepLimit) return r;
            if (r.Status != DrainStatus.Idle || r.NextDeadline is not { } next) return r;
            _loop.Clock.AdvanceTo(next);
        }
    }

    private void Observe(DrainResult r)
    {
        _steps += r.Steps;
        switch (r.Status)
        {
            case DrainStatus.Idle:
                if (r.NextDeadline is null && !r.ExternalWaitsPending)
                    Violation($"a drain reported Idle with no timer and no external wait pending: {r}");
                if (r.ExternalWaitsPending != _foreignPending > 0)
                    Violation($"a drain reported Idle with external waits pending = {r.ExternalWaitsPending} while {_foreignPending} foreign await(s) are pending");
                break;
            case DrainStatus.Completed:
                foreach (CoroutineInfo c in _co.Values)
                    if (c.Spawned && !c.Ended) Violation($"Completed while {c.Name} has not ended");
                for (int i = 0; i < _lazyModels.Length; i++)
                    if (_lazyModels[i].Live != 0) Violation($"Completed while {_lazyModels[i].Live} initializer run(s) of lazy{i} have not ended");
                break;
            case DrainStatus.Deadlock:
                if (_foreignPending > 0) Violation($"Deadlock reported while {_foreignPending} foreign await(s) are pending: the host can still complete them");
                CheckDeadlockReport(r.Deadlock);
                break;
        }
    }

    private void CheckDeadlockReport(DeadlockReport? report)
    {
        if (report is null)
        {
            Violation("Deadlock without a report");
            return;
        }
        // Timeout bodies all carry the library's name: compare how many times each name is reported.
        var reported = new Dictionary<string, int>();
        foreach (BlockedCoroutine b in report.Coroutines)
        {
            reported[b.Name] = reported.GetValueOrDefault(b.Name) + 1;
            if (b.WaitingOn.StartsWith("nothing", StringComparison.Ordinal))
                Violation($"the deadlock report lists {b.Name} as ready: {b.WaitingOn}");
        }
        var live = new Dictionary<string, int>();
        foreach (CoroutineInfo c in _co.Values)
        {
            if (!c.Spawned || c.Ended) continue;
            if (!c.Started) Violation($"deadlock while {c.Name} never started");
            live[c.ReportName] = live.GetValueOrDefault(c.ReportName) + 1;
        }
        for (int i = 0; i < _lazyModels.Length; i++)
            if (_lazyModels[i].Live > 0) live[LazyModel.Name(i)] = _lazyModels[i].Live;
        foreach ((string name, int n) in live)
            if (reported.GetValueOrDefault(name) != n)
                Violation($"{n} live coroutine(s) named {name}, but the deadlock report names {reported.GetValueOrDefault(name)}");
        foreach ((string name, int n) in reported)
            if (!live.ContainsKey(name)) Violation($"the deadlock report names {name} ({n}x), which is not live");
        if (_loop.HasPendingTimers) Violation("Deadlock reported while a timer is pending");
    }

    // ----- coroutines -----

    private async CoTask RunCoroutine(CoroutineInfo me, Func<CoTask> body, GroupOutcomeModel? parent,
                                      TimeoutOutcomeModel? timeout = null)
    {
        if (me.Started) Violation($"{me.Name} started twice");
        me.Started = true;
        // The callback runs inside Cancel(), at the moment the cancellation is delivered: that is when a group this
        // coroutine waits for records the opener's cancellation.
        CancellationTokenRegistration registration = Co.CancellationToken.Register(() =>
        {
            me.OpenGroup?.OpenerCancelled();
            me.OpenTimeout?.CallerCancelled();
        });
        Exception? error = null;
        try
        {
            await body();
        }
        catch (Exception e)
        {
            error = e;
        }
        try
        {
            while (me.Held > 0) Release(me);
        }
        catch (Exception e)
        {
            Violation($"{me.Name} could not release the permits it holds: {e.GetType().Name}: {e.Message}");
            error ??= e;
        }
        registration.Dispose();
        bool cancelled = Co.IsBeingCancelled;
        if (error is not null && !IsExpected(me, error)) Violation($"{me.Name} ended with an unexpected {error.GetType().Name}: {error.Message}");
        if (me.FinishAfterStrayCall is not null)
        {
            // A call made without await is still suspended: the library cancels the coroutine and unwinds the call
            // before it ends, failed with this body's error or with an InvalidOperationException of its own (the model
            // stands in a marker for it); the call's finally block records the end, in the same step as the real one.
            Exception outcome = error ?? GroupOutcomeModel.StrayCallMarker;
            me.FinishAfterStrayCall = () => Finish(outcome, cancelled: true);
        }
        else Finish(error, cancelled);
        if (error is not null) ExceptionDispatchInfo.Throw(error);

        void Finish(Exception? outcome, bool cancelled)
        {
            me.EndState = outcome is null ? CoroutineState.Done
                : outcome is OperationCanceledException && cancelled ? CoroutineState.Cancelled : CoroutineState.Failed;
            parent?.ChildEnded(me.NoWait, me.AllowFailure, outcome, cancelled);
            timeout?.BodyEnds(outcome, _loop.Now);
            if (me.Ended) Violation($"{me.Name} ended twice");
            me.Ended = true;
        }
    }

    /// <summary>
    /// The misuse of a <see cref="StrayCallOp"/>: calls a CoTask method without awaiting it. Only in a coroutine's own
    /// top-level body (a child's, a group's or a timeout's: what the generator makes); anywhere else (a shrunk program)
    /// it does nothing. If the call suspends, the
    /// body runs on: each of its later awaits that would suspend is refused (<see cref="IsExpected"/>), and the call is
    /// unwound when the body ends.
    /// </summary>
    private void CallWithoutAwait(CoroutineInfo me, Op[] ops, StrayCallOp stray, GroupOutcomeModel group)
    {
        if (!ReferenceEquals(ops, me.TopBody)) return;
        me.FinishAfterStrayCall = StrayCallPending;
        CoTask call = Stray();
        if (call.IsCompleted) me.FinishAfterStrayCall = null; // it did not suspend: nothing to unwind

        async CoTask Stray()
        {
            try { await RunOps(me, stray.Body, group); }
            catch (Exception e)
            {
                // The unwind's CancelledException, or a program error (a closed queue): nobody awaits this call.
                if (!IsExpected(me, e)) Violation($"{me.Name}'s call without await failed with an unexpected {e.GetType().Name}: {e.Message}");
            }
            finally
            {
                // Still the marker: the call completed while the body runs on (before it ever suspended, or, when the
                // body awaits a .NET Task meanwhile, which the library lets the two frames do concurrently, after it
                // resumed): nothing is left to unwind. Otherwise RunCoroutine has left the end to this block, which runs
                // as the library unwinds the call, in the coroutine's last step.
                if (ReferenceEquals(me.FinishAfterStrayCall, StrayCallPending)) me.FinishAfterStrayCall = null;
                else if (me.FinishAfterStrayCall is { } finish)
                {
                    // Permits the call took after RunCoroutine released the body's (a hand-off to its own waiter, which
                    // an unwind keeps): released here, as a using block in the call would.
                    while (me.Held > 0) Release(me);
                    me.FinishAfterStrayCall = null;
                    _strayCallsUnwound++;
                    finish();
                }
            }
        }
    }

    /// <summary>Marks a call without await as running (see <see cref="CallWithoutAwait"/>).</summary>
    private static readonly Action StrayCallPending = static () => { };

    /// <summary>Whether <paramref name="me"/>'s body runs on while a call it made without await is suspended.</summary>
    private static bool StrayCallSuspended(CoroutineInfo me) => ReferenceEquals(me.FinishAfterStrayCall, StrayCallPending);

    /// <summary>
    /// Whether <paramref name="e"/>, caught in <paramref name="me"/>, is one a program may see: its own errors, the
    /// library's cancellations, closes and timeouts, the library's error for a call without await (a child's, rethrown
    /// by its group), and the library's refusal of an await while a call without await is suspended, which is recorded
    /// here the first time it is seen (in the coroutine whose await was refused), then accepted wherever it travels.
    /// </summary>
    private bool IsExpected(CoroutineInfo me, Exception e)
    {
        if (e is ProgramError or ProgramCloseError or ProgramForeignError or QueueClosedException or CancelledException or TimeoutException ||
            GroupOutcomeModel.IsStrayCallError(e) || _refusals.Contains(e) || _foreignCancels.Contains(e)) return true;
        if (e is InvalidOperationException && e.Message.Contains("already waiting", StringComparison.Ordinal) && StrayCallSuspended(me))
        {
            _refusals.Add(e);
            _awaitsRefused++;
            return true;
        }
        return false;
    }

    private async CoTask RunGroup(CoroutineInfo me, GroupOp g)
    {
        if (StrayCallSuspended(me))
        {
            // Refused before anything starts (reliability bug 12): no body is spawned; the refusal is this body's error.
            await Co.WithTaskGroup(static _ => CoTask.CompletedTask);
            Violation($"{me.Name} opened group c{g.Id} while a call it made without await was suspended");
            return;
        }
        CoroutineInfo body = _co[g.Id];
        var model = new GroupOutcomeModel(g.Id, me);
        _groups.Add(model);
        body.Spawned = true;
        body.SpawnGroup = model;
        body.TopBody = g.Body;
        model.ChildSpawned(noWait: false);
        me.OpenGroup = model;
        // The group's join sees a cancel that is already pending (rule 6) as soon as the group opens.
        if (Co.IsBeingCancelled) model.OpenerCancelled();
        Exception? actual = null;
        try
        {
            await Co.WithTaskGroup(group =>
            {
                model.Group = group;
                return RunCoroutine(body, () => RunOps(body, g.Body, model), model);
            }, name: body.Name);
        }
        catch (Exception e)
        {
            actual = e;
        }
        me.OpenGroup = null;
        model.Released = true;
        if (actual is not null) _groupsFailed++;
        if (model.Check(actual) is { } problem) Violation(problem);
        if (model.Live != 0) Violation($"group c{g.Id} returned with {model.Live} child(ren) still running");
        if (model.DefersRun.Count != model.DefersAdded.Count)
            Violation($"group c{g.Id}: {model.DefersAdded.Count} defer(s) added, {model.DefersRun.Count} run");
        for (int i = 0; i < model.DefersRun.Count && i < model.DefersAdded.Count; i++)
            if (model.DefersRun[i] != model.DefersAdded[model.DefersAdded.Count - 1 - i])
                Violation($"group c{g.Id}: defers ran in the order {string.Join(",", model.DefersRun)}, added {string.Join(",", model.DefersAdded)} (LIFO expected)");
        if (actual is not null && !g.Catch) ExceptionDispatchInfo.Throw(actual);
    }

    private async CoTask RunOps(CoroutineInfo me, Op[] ops, GroupOutcomeModel group)
    {
        foreach (Op op in ops)
        {
            _operations++;
            switch (op)
            {
                case PauseOp:
                    await Co.Pause();
                    break;
                case SpawnOp sp:
                    Spawn(sp, group);
                    break;
                case GroupOp g:
                    await RunGroup(me, g);
                    break;
                case CancelOp c:
                    Cancel(c.Target);
                    break;
                case PutOp p:
                    await Put(p.Queue);
                    break;
                case TryPutOp p:
                    TryPut(p.Queue);
                    break;
                case GetOp g:
                    Got(g.Queue, await _queues[g.Queue].Get());
                    break;
                case TryGetOp g:
                    TryGet(g.Queue);
                    break;
                case CloseOp c:
                    Close(c);
                    break;
                case AcquireOp:
                    await _semaphore.Acquire();
                    Acquired(me);
                    break;
                case TryAcquireOp:
                    if (_semaphore.TryAcquire()) Acquired(me);
                    break;
                case ReleaseOp:
                    if (me.Held > 0) Release(me);
                    break;
                case WaitOp:
                    await _condition.Wait();
                    _wokenWaits++;
                    break;
                case SignalOp s:
                    Signal(s);
                    break;
                case DeferOp d:
                    AddDefer(d, group);
                    break;
                case ThrowOp t:
                    throw new ProgramError(t.Id);
                case CatchOp c:
                    try
                    {
                        await RunOps(me, c.Body, group);
                    }
                    catch (Exception e) when (IsExpected(me, e))
                    {
                    }
                    break;
                case ShieldOp sh:
                    await Co.ProtectFromCancel(async () =>
                    {
                        for (int i = 0; i < sh.Pauses; i++) await Co.Pause();
                        if (sh.SleepMs > 0) await Sleep(sh.SleepMs); // shielded: runs to its deadline even if cancelled
                    });
                    break;
                case SleepOp sl:
                    await Sleep(sl.Ms);
                    break;
                case TimeoutOp t:
                    await RunTimeout(me, t, group);
                    break;
                case StrayCallOp stray:
                    CallWithoutAwait(me, ops, stray, group);
                    break;
                case ForeignAwaitOp f:
                    await AwaitForeign(f);
                    break;
                case LazyWaitOp lw:
                    await WaitLazy(lw.Lazy);
                    break;
                case TimerWaitOp:
                    await WaitTimer();
                    break;
                case TimerResetOp tr:
                    ResetTimer(tr.Ms);
                    break;
                case TimerCancelOp:
                    CancelTimer();
                    break;
                case CompleteForeignOp c:
                    CompleteForeign(c);
                    break;
                default:
                    throw new InvalidOperationException($"unknown op {op}");
            }
        }
    }

    private async CoTask Sleep(int ms)
    {
        TimeSpan due = _loop.Now + TimeSpan.FromMilliseconds(ms);
        await Co.Sleep(TimeSpan.FromMilliseconds(ms));
        _sleeps++;
        if (_loop.Now < due) Violation($"Co.Sleep({ms} ms) returned at {_loop.Now}, before its deadline {due}");
    }

    private async CoTask RunTimeout(CoroutineInfo me, TimeoutOp t, GroupOutcomeModel group)
    {
        TimeSpan span = t.Ms < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(t.Ms);
        if (StrayCallSuspended(me))
        {
            // Refused before the body starts, as a group is (see RunGroup).
            await Co.WithTimeout(span, static () => CoTask.CompletedTask);
            Violation($"{me.Name} started timeout c{t.Id} while a call it made without await was suspended");
            return;
        }
        if (Co.IsBeingCancelled)
        {
            // A cancelled coroutine cannot start a timed call: it throws at once and spawns nothing.
            try
            {
                if (t.OrDefault) await Co.WithTimeoutOrDefault(span, () => CoTask.FromResult(0));
                else await Co.WithTimeout(span, () => CoTask.CompletedTask);
                Violation($"a cancelled coroutine ({me.Name}) started timeout c{t.Id}");
            }
            catch (CancelledException) when (!t.Catch)
            {
                throw;
            }
            catch (CancelledException)
            {
            }
            return;
        }
        CoroutineInfo body = _co[t.Id];
        body.IsTimeoutBody = true;
        body.Spawned = true;
        body.TopBody = t.Body;
        var model = new TimeoutOutcomeModel(t.Id, t.Ms < 0 ? null : _loop.Now + span, t.OrDefault);
        me.OpenTimeout = model;
        Exception? actual = null;
        try
        {
            Func<CoTask> run = () => RunCoroutine(body, () => RunOps(body, t.Body, group), null, model);
            if (t.OrDefault) await Co.WithTimeoutOrDefault(span, async () => { await run(); return 1; });
            else await Co.WithTimeout(span, run);
        }
        catch (Exception e)
        {
            actual = e;
        }
        bool callerCancelled = Co.IsBeingCancelled;
        me.OpenTimeout = null;
        if (!model.BodyEnded) Violation($"timeout c{t.Id} returned while its body still runs");
        if (model.Fired) _timeoutsFired++;
        if (model.Check(actual, callerCancelled) is { } problem) Violation(problem);
        if (actual is not null && !t.Catch) ExceptionDispatchInfo.Throw(actual);
    }

    private void Spawn(SpawnOp sp, GroupOutcomeModel group)
    {
        CoroutineInfo child = _co[sp.Id];
        child.Spawned = true;
        child.NoWait = sp.NoWait;
        child.AllowFailure = sp.AllowFailure;
        child.TopBody = sp.Body;
        child.SpawnGroup = group;
        group.ChildSpawned(sp.NoWait);
        child.Handle = group.Group.Spawn(() => RunCoroutine(child, () => RunOps(child, sp.Body, group), group),
                                         sp.NoWait, sp.AllowFailure, child.Name);
    }

    private void Cancel(int target)
    {
        if (!_co.TryGetValue(target, out CoroutineInfo? c) || c.Handle is not { } h) return; // never spawned (yet)
        if (c.SpawnGroup is { Released: true })
        {
            // Its group has ended: the pooled record may belong to another coroutine now; the handle must refuse.
            try
            {
                h.Cancel();
                Violation($"the handle of {c.Name} still worked after its group ended");
            }
            catch (InvalidOperationException)
            {
            }
            return;
        }
        if (c.Ended && h.State != c.EndState) Violation($"{c.Name} ended {c.EndState} but its handle says {h.State}");
        h.Cancel();
    }

    // ----- primitives -----

    private async CoTask Put(int qi)
    {
        int item = _nextItem++;
        bool drops = WouldDrop(qi);
        await _queues[qi].Put(item);
        QueueLedger l = _ledgers[qi];
        l.Put.Add(item);
        if (drops) l.Dropped++;
    }

    /// <summary>A discarding queue drops one item (the oldest or the new one) when it is full and no reader waits.</summary>
    private bool WouldDrop(int qi)
    {
        QueueSpec spec = _p.Queues[qi];
        CoQueue<int> q = _queues[qi];
        return spec.Kind is QueueKind.DiscardOldest or QueueKind.DiscardLatest && !q.IsClosed &&
               q.Count == spec.Capacity && q.ParkedReaders == 0;
    }

    private void TryPut(int qi)
    {
        int item = _nextItem++;
        if (_queues[qi].TryPut(item)) _ledgers[qi].Put.Add(item);
    }

    private void TryGet(int qi)
    {
        if (_queues[qi].TryGet(out int item)) Got(qi, item);
    }

    private void Got(int qi, int item)
    {
        if (!_ledgers[qi].Got.Add(item)) Violation($"item {item} was got twice from q{qi}");
    }

    private void Close(CloseOp c)
    {
        CoQueue<int> q = _queues[c.Queue];
        if (c.Clear) _ledgers[c.Queue].Cleared += q.Count;
        q.Close(c.WithError ? new ProgramCloseError() : null, c.Clear);
    }

    private void Acquired(CoroutineInfo me)
    {
        me.Held++;
        if (++_holders > _p.SemaphoreSize) Violation($"{_holders} holders of a semaphore of {_p.SemaphoreSize}");
    }

    private void Release(CoroutineInfo me)
    {
        me.Held--;
        _holders--;
        _semaphore.Release();
    }

    private void Signal(SignalOp s)
    {
        if (s.Broadcast) _signalled += _condition.Broadcast();
        else if (_condition.Signal()) _signalled++;
    }

    private void AddDefer(DeferOp d, GroupOutcomeModel group)
    {
        if (d.Async)
        {
            Func<CoTask> defer = async () =>
            {
                DeferStarts(d, group);
                try
                {
                    await Co.Pause();
                    if (d.Throws) throw new ProgramError(d.Id);
                }
                catch (Exception e)
                {
                    group.DeferFailed(e, Co.IsBeingCancelled);
                    throw;
                }
            };
            group.Group.AddDefer(defer);
        }
        else
        {
            Action defer = () =>
            {
                DeferStarts(d, group);
                if (!d.Throws) return;
                var e = new ProgramError(d.Id);
                group.DeferFailed(e, Co.IsBeingCancelled);
                throw e;
            };
            group.Group.AddDefer(defer);
        }
        group.DefersAdded.Add(d.Id);
    }

    private void DeferStarts(DeferOp d, GroupOutcomeModel group)
    {
        if (group.Live != 0) Violation($"defer d{d.Id} ran while {group.Live} child(ren) of group c{group.Id} were running");
        if (group.DefersRun.Contains(d.Id)) Violation($"defer d{d.Id} ran twice");
        group.DefersRun.Add(d.Id);
    }

    // ----- the timer -----

    /// <summary>
    /// Brings the model up to date with a firing the library made since the last look (timers fire at round starts,
    /// where the interpreter does not run): every waiter parked then was released by it. Called before each timer
    /// operation and after each wait, so a firing is always seen before the next cancel or re-arming.
    /// </summary>
    private void PollTimer()
    {
        if (_timer is null || !_timerModel.Armed) return;
        if (_timer.HasFired)
        {
            _timerModel.Armed = false;
            _timerModel.Fired = true;
            _timerModel.Release(byFiring: true);
        }
        else if (!_timer.IsArmed) Violation("the timer was disarmed without a firing or a cancel");
    }

    /// <summary>A wait returns true when a firing released it and false when a cancel did; at once, whether it last fired.</summary>
    private async CoTask WaitTimer()
    {
        PollTimer();
        CoTimer timer = _timer!;
        if (!_timerModel.Armed)
        {
            bool expected = _timerModel.Fired;
            if (await timer.Wait() != expected) Violation($"a wait on a timer that is not armed returned {!expected}");
            return;
        }
        var w = new TimerModel.Waiter();
        _timerModel.Parked.Add(w);
        _timerModel.Outstanding++;
        bool got;
        try
        {
            got = await timer.Wait();
        }
        catch
        {
            // Its own cancellation (or a refusal): it left the wait without a result.
            _timerModel.Parked.Remove(w);
            _timerModel.Outstanding--;
            throw;
        }
        _timerModel.Outstanding--;
        _timerWaits++;
        PollTimer();
        if (!w.Released) Violation("a timer wait returned before the timer fired or was cancelled");
        else if (got != w.ByFiring) Violation($"a timer wait returned {got} but was released by {(w.ByFiring ? "a firing" : "a cancel")}");
    }

    private void ResetTimer(int ms)
    {
        PollTimer();
        _timer!.Reset(TimeSpan.FromMilliseconds(ms));
        _timerModel.Armed = true;
        _timerModel.Fired = false;
    }

    private void CancelTimer()
    {
        PollTimer();
        bool cancelled = _timer!.Cancel();
        if (cancelled != _timerModel.Armed) Violation($"timer.Cancel() returned {cancelled} while the model says armed = {_timerModel.Armed}");
        if (!_timerModel.Armed) return;
        _timerModel.Armed = false;
        _timerModel.Fired = false;
        _timerModel.Release(byFiring: false);
    }

    private sealed class TimerModel
    {
        public bool Armed, Fired;
        /// <summary>Waits begun on the armed timer and not yet released by a firing or a cancel.</summary>
        public readonly List<Waiter> Parked = new();
        /// <summary>Waits begun and not yet returned (or thrown).</summary>
        public int Outstanding;

        public void Release(bool byFiring)
        {
            foreach (Waiter w in Parked)
            {
                w.Released = true;
                w.ByFiring = byFiring;
            }
            Parked.Clear();
        }

        public sealed class Waiter
        {
            public bool Released, ByFiring;
        }
    }

    // ----- lazy values -----

    /// <summary>
    /// An initializer run: started by the library (a coroutine of its own, named after the lazy value) for a waiter.
    /// A run cancelled before it ends was abandoned (every waiter was cancelled; nothing else can cancel it): its outcome
    /// is dropped. Any other run settles the value, once.
    /// </summary>
    private async CoTask<int> RunInitializer(int index)
    {
        LazyModel m = _lazyModels[index];
        int run = ++m.Starts;
        if (run > 1) _lazyRestarts++;
        m.Live++;
        var me = new CoroutineInfo(-1);
        Exception? error = null;
        try
        {
            await RunOps(me, _p.Lazies[index], null!); // initializer bodies have no operation that needs a group
        }
        catch (Exception e)
        {
            error = e;
        }
        while (me.Held > 0) Release(me);
        bool abandoned = Co.IsBeingCancelled;
        if (error is not null && !IsExpected(me, error))
            Violation($"lazy{index}'s initializer ended with an unexpected {error.GetType().Name}: {error.Message}");
        m.Live--;
        int value = 10_000 * (index + 1) + run;
        if (!abandoned)
        {
            if (m.Settled) Violation($"lazy{index} settled twice (run {run})");
            m.Settled = true;
            m.Error = error;
            m.Value = value;
        }
        if (error is not null) ExceptionDispatchInfo.Throw(error);
        return value;
    }

    /// <summary>Each waiter gets the settled value or error; a cancelled waiter may instead throw its own cancellation.</summary>
    private async CoTask WaitLazy(int index)
    {
        LazyModel m = _lazyModels[index];
        int value;
        try
        {
            value = await _lazies[index].Wait();
        }
        catch (CancelledException) when (Co.IsBeingCancelled && !(m.Settled && m.Error is CancelledException))
        {
            throw;
        }
        catch (Exception e) when (!(e is InvalidOperationException && _refusals.Contains(e) || IsRefusal(e)))
        {
            if (!m.Settled || !ReferenceEquals(e, m.Error))
                Violation($"lazy{index}.Wait() threw {e.GetType().Name} '{e.Message}' but the lazy value settled with {(m.Settled ? m.Error?.Message ?? "value " + m.Value : "nothing yet")}");
            throw;
        }
        _lazyWaits++;
        if (!m.Settled || m.Error is not null || value != m.Value)
            Violation($"lazy{index}.Wait() returned {value} but the lazy value settled with {(m.Settled ? m.Error?.Message ?? "value " + m.Value : "nothing yet")}");
    }

    /// <summary>The library's refusal of an await while a call without await is suspended (see <see cref="IsExpected"/>).</summary>
    private static bool IsRefusal(Exception e) =>
        e is InvalidOperationException && e.Message.Contains("already waiting", StringComparison.Ordinal);

    private sealed class LazyModel
    {
        public static string Name(int index) => "lazy" + index;

        /// <summary>Initializer runs started (the library's StartCount must agree) and still running.</summary>
        public int Starts, Live;
        public bool Settled;
        public int Value;
        public Exception? Error;
    }

    // ----- foreign operations -----

    /// <summary>A new await of operation <paramref name="id"/>: its own Task, completed at once if the program completed the operation.</summary>
    private ForeignOperation NewAwait(int id)
    {
        if (!_foreign.TryGetValue(id, out List<ForeignOperation>? list)) _foreign[id] = list = new List<ForeignOperation>();
        var f = new ForeignOperation(id);
        list.Add(f);
        if (_foreignCompletions.TryGetValue(id, out CompleteForeignOp? c)) CompleteForeign(f, cancel: false, c.Fail);
        return f;
    }

    /// <summary>
    /// Awaits a .NET Task inside a CoTask method: it resumes on the scheduler thread, as the same coroutine, through
    /// the inbox, with the value or error it was completed with; while it waits, the drain reports an external wait
    /// instead of a deadlock. A cancel does not interrupt it (a Task cannot be withdrawn from); the next CoSched await does.
    /// </summary>
    private async CoTask AwaitForeign(ForeignAwaitOp op)
    {
        int id = op.Id;
        ForeignOperation f = NewAwait(id);
        // As .NET IO does: the operation is cancelled when the coroutine's cancellation is delivered (at once if it
        // already was), and its await then throws an OperationCanceledException of .NET's, not the library's.
        using CancellationTokenRegistration registration = op.ObservesToken
            ? Co.CancellationToken.Register(() => CompleteForeign(f, cancel: true))
            : default;
        bool suspends = !f.Task.IsCompleted;
        if (suspends)
        {
            _foreignPending++;
            _foreignWaits++;
        }
        int value;
        try
        {
            value = await f.Task;
        }
        catch (Exception e)
        {
            if (suspends) _foreignPending--;
            if (e is TaskCanceledException && f.CancelledByToken)
            {
                _foreignCancels.Add(e); // expected from here on (IsExpected)
                _foreignTokenCancels++;
            }
            else if (!ReferenceEquals(e, f.Error)) Violation($"foreign operation f{id} threw {e.GetType().Name} '{e.Message}', not the error it was completed with");
            throw;
        }
        if (suspends) _foreignPending--;
        if (f.Error is not null || f.CancelledByToken || value != f.Value) Violation($"foreign operation f{id} returned {value}, completed with {f.Value} / {f.Error?.Message}");
    }

    /// <summary>Completes a foreign operation (from the host, or from a coroutine: the waiter still resumes through the inbox).</summary>
    private void CompleteForeign(CompleteForeignOp c)
    {
        if (!_foreignCompletions.TryAdd(c.Id, c)) return; // completed before
        if (_foreign.TryGetValue(c.Id, out List<ForeignOperation>? list))
            foreach (ForeignOperation f in list) CompleteForeign(f, cancel: false, c.Fail);
    }

    private void CompleteForeign(ForeignOperation f, bool cancel, bool fail = false)
    {
        if (f.Task.IsCompleted) return;
        // The library's continuation runs inline and posts to the inbox: deterministic (see InlineCompletion).
        InlineCompletion.Run(() =>
        {
            if (cancel)
            {
                f.CancelledByToken = true;
                f.Source.SetCanceled();
            }
            else if (fail)
            {
                f.Error = new ProgramForeignError(f.Id);
                f.Source.SetException(f.Error);
            }
            else
            {
                f.Value = 1000 + f.Id;
                f.Source.SetResult(f.Value);
            }
        });
    }

    private sealed class ForeignOperation(int id)
    {
        public int Id { get; } = id;
        // Continuations run inline where SetResult is called (no RunContinuationsAsynchronously): the run stays
        // deterministic, and the library's own continuation only posts to the inbox.
        public readonly TaskCompletionSource<int> Source = new();
        public Task<int> Task => Source.Task;
        public int Value;
        public Exception? Error;
        public bool CancelledByToken;
    }

    // ----- the host -----

    private void HostAct(Op action)
    {
        try
        {
            switch (action)
            {
                case CancelOp c: Cancel(c.Target); break;
                case SignalOp s: Signal(s); break;
                case TryPutOp p: TryPut(p.Queue); break;
                case TryGetOp g: TryGet(g.Queue); break;
                case CloseOp c: Close(c); break;
                case AdvanceOp a: Observe(_loop.AdvanceBy(TimeSpan.FromMilliseconds(a.Ms))); break;
                case CompleteForeignOp c: CompleteForeign(c); break;
                case TimerResetOp tr: ResetTimer(tr.Ms); break;
                case TimerCancelOp: CancelTimer(); break;
                default: throw new InvalidOperationException($"not a host action: {action}");
            }
        }
        catch (Exception e) when (e is QueueClosedException or ProgramCloseError)
        {
        }
    }

    /// <summary>Does what the host can to unblock a deadlocked program; false when nothing waits on what it can feed.</summary>
    private bool Rescue()
    {
        CheckAtRest();
        bool helped = false;
        foreach (List<ForeignOperation> list in _foreign.Values)
            foreach (ForeignOperation f in list)
            {
                if (f.Task.IsCompleted) continue;
                CompleteForeign(f, cancel: false);
                helped = true;
            }
        if (_condition.WaiterCount > 0)
        {
            Signal(new SignalOp(Broadcast: true));
            helped = true;
        }
        for (int i = 0; i < _queues.Length; i++)
        {
            CoQueue<int> q = _queues[i];
            if (q.ParkedReaders > 0)
            {
                TryPut(i);
                helped = true;
            }
            if (q.ParkedWriters > 0)
            {
                TryGet(i);
                helped = true;
            }
        }
        if (helped) _rescues++;
        return helped;
    }

    // ----- invariants at rest -----

    /// <summary>Nothing is ready (a deadlock): every hand-off has been received.</summary>
    private void CheckAtRest()
    {
        if (_semaphore.Available + _holders != _p.SemaphoreSize)
            Violation($"permits not conserved: {_semaphore.Available} free + {_holders} held != {_p.SemaphoreSize}");
        if (_semaphore.WaiterCount > 0 && _semaphore.Available > 0)
            Violation($"{_semaphore.WaiterCount} semaphore waiter(s) while {_semaphore.Available} permit(s) are free");
        if (_signalled != _wokenWaits) Violation($"{_signalled} signal(s) delivered but {_wokenWaits} wait(s) returned");
        for (int i = 0; i < _queues.Length; i++)
        {
            CoQueue<int> q = _queues[i];
            if (q.ParkedReaders > 0 && (q.Count > 0 || q.ParkedWriters > 0))
                Violation($"q{i}: {q.ParkedReaders} reader(s) wait while {q.Count} item(s) are buffered and {q.ParkedWriters} writer(s) wait");
            foreach (int item in _ledgers[i].Got)
                if (!_ledgers[i].Put.Contains(item)) Violation($"q{i}: item {item} was got but its put never returned");
        }
    }

    /// <summary>Every coroutine has ended.</summary>
    private void CheckEnd()
    {
        CheckAtRest();
        foreach (CoroutineInfo c in _co.Values)
            if (c.Spawned && !(c.Started && c.Ended)) Violation($"{c.Name} spawned but started={c.Started} ended={c.Ended}");
        foreach (GroupOutcomeModel g in _groups)
            if (!g.Released) Violation($"group c{g.Id} never returned");
        CoroutineInfo root = _co[RandomProgram.RootId];
        if (root.Handle!.Value.State != root.EndState) Violation($"c0 ended {root.EndState} but its handle says {root.Handle.Value.State}");
        if (_holders != 0 || _semaphore.Available != _p.SemaphoreSize || _semaphore.WaiterCount != 0)
            Violation($"semaphore at the end: {_holders} held, {_semaphore.Available}/{_p.SemaphoreSize} free, {_semaphore.WaiterCount} waiting");
        if (_condition.WaiterCount != 0) Violation($"{_condition.WaiterCount} condition waiter(s) left");
        if (_foreignPending != 0) Violation($"{_foreignPending} foreign await(s) never returned");
        if (_timerModel.Outstanding != 0) Violation($"{_timerModel.Outstanding} timer wait(s) never returned");
        for (int i = 0; i < _lazies.Length; i++)
        {
            if (_lazies[i].StartCount != _lazyModels[i].Starts)
                Violation($"lazy{i} reports {_lazies[i].StartCount} initializer start(s), the program saw {_lazyModels[i].Starts}");
            if (_lazyModels[i].Live != 0) Violation($"lazy{i} has {_lazyModels[i].Live} initializer run(s) left");
        }
        for (int i = 0; i < _queues.Length; i++) CheckQueueAtEnd(i);
        if (_s.LiveCoroutines != 0) Violation($"{_s.LiveCoroutines} live coroutine(s) after Completed");
        int armed = _timer is { IsArmed: true } ? 1 : 0; // the program's CoTimer may be left armed
        if (_loop.PendingTimerCount != armed) Violation($"{_loop.PendingTimerCount} timer(s) still pending after Completed ({armed} CoTimer armed)");
        // The scheduler still runs new work.
        bool ran = false;
        _s.Spawn(async () =>
        {
            await Co.Pause();
            ran = true;
        });
        if (_s.RunUntilIdle().Status != DrainStatus.Completed || !ran) Violation("the scheduler did not run new work afterwards");
    }

    private void CheckQueueAtEnd(int i)
    {
        CoQueue<int> q = _queues[i];
        QueueLedger l = _ledgers[i];
        if (q.ParkedReaders != 0 || q.ParkedWriters != 0)
            Violation($"q{i}: {q.ParkedReaders} reader(s) and {q.ParkedWriters} writer(s) still parked");
        var remaining = new List<int>();
        try
        {
            while (q.TryGet(out int item)) remaining.Add(item);
        }
        catch (Exception e) when (e is QueueClosedException or ProgramCloseError)
        {
        }
        foreach (int item in remaining)
        {
            if (l.Got.Contains(item)) Violation($"q{i}: item {item} was got and is still buffered");
            if (!l.Put.Contains(item)) Violation($"q{i}: item {item} is buffered but its put never returned");
        }
        int unaccounted = l.Put.Count - l.Got.Count - remaining.Count;
        if (unaccounted != l.Cleared + l.Dropped)
            Violation($"q{i} lost or invented items: {l.Put.Count} put, {l.Got.Count} got, {remaining.Count} left, " +
                      $"{l.Cleared} cleared, {l.Dropped} dropped by policy");
    }

    private void Violation(string message) => _violations.Add(message);

    private sealed class QueueLedger
    {
        /// <summary>Items whose Put/TryPut returned (they entered the queue).</summary>
        public readonly HashSet<int> Put = new();
        public readonly HashSet<int> Got = new();
        public int Cleared;
        public int Dropped;
    }
}
