using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace CoSched;

// Spawning coroutines and the scheduler-only entry point.
public sealed partial class Scheduler
{
    /// <summary>
    /// Spawns a top-level coroutine. It starts queued and shielded, so its body always begins (and its finally blocks
    /// run) even if it is cancelled before its first step. Callable on the scheduler's thread, inside or outside coroutines.
    /// </summary>
    public CoroutineHandle Spawn(Func<CoTask> body, string? name = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        CheckThread();
        Coroutine<VoidResult> co = SpawnCore<VoidResult>(null, body, name, file, line, member, null, background: false);
        return new CoroutineHandle(co, co.Version);
    }

    /// <summary>Spawns a top-level coroutine that produces a value; see <see cref="Spawn(Func{CoTask}, string?, string?, string?, int)"/>.</summary>
    public CoroutineHandle<T> Spawn<T>(Func<CoTask<T>> body, string? name = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        CheckThread();
        Coroutine<T> co = SpawnCore(body, null, name, file, line, member, null, background: false);
        return new CoroutineHandle<T>(co, co.Version);
    }

    /// <summary>
    /// Spawns a top-level coroutine with no handle: its record is recycled as soon as it ends, and its outcome
    /// (including a failure) is not observable. Prefer a task group when failures matter.
    /// </summary>
    public void SpawnBackground(Func<CoTask> body, string? name = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        CheckThread();
        SpawnCore<VoidResult>(null, body, name, file, line, member, null, background: true);
    }

    internal Coroutine<T> SpawnCore<T>(Func<CoTask<T>>? body, Func<CoTask>? voidBody, string? name, string? file, int line,
                                       string? member, ICoroutineOwner? owner, bool background)
    {
        Coroutine<T> co = Coroutine<T>.Rent(this, body, voidBody);
        co.Init(this, name, file, line, member, owner, background);
        // Like Task.Run, a child starts in its spawner's ExecutionContext (AsyncLocal values flow to it).
        ExecutionContext? ec = ThreadContext.Get(_thread);
        if (!ReferenceEquals(co.SavedContext, ec)) co.SavedContext = ec;
        if (owner is GroupChildOwner) co.LiveIndex = -1; // its group lists it
        else
        {
            if (_liveTableCount == _live.Length) Array.Resize(ref _live, _live.Length * 2);
            _live[_liveTableCount].Co = co;
            co.LiveIndex = _liveTableCount++;
        }
        if (++_liveCount > _liveHighWater) _liveHighWater = _liveCount;
        co.SpawnSequence = unchecked(++_spawnSequence);
        Wake(co);
        return co;
    }

    /// <summary>
    /// The scheduler-only entry point: spawns <paramref name="main"/>, drains the immediately ready work, and returns a
    /// handle to main (state, result, exception). It never waits for blocked coroutines: call
    /// <see cref="RunUntilIdle()"/> again whenever the host has delivered work (see <see cref="WorkAvailable"/>).
    /// One main at a time: starting the next one (after the previous ended) ends the previous handle's life, as a
    /// group's end does for its children's handles; read the previous outcome before.
    /// </summary>
    public CoroutineHandle RunAsyncMain(Func<CoTask> main, string? name = "main",
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(main);
        CheckThread();
        CheckNoMain();
        ThrowEarlierErrors();
        Coroutine<VoidResult> co = SpawnCore<VoidResult>(null, main, name, file, line, member, null, background: false);
        _main = co;
        var handle = new CoroutineHandle(co, co.Version);
        RunUntilIdle();
        return handle;
    }

    /// <summary>The scheduler-only entry point for a main that returns a value; see <see cref="RunAsyncMain(Func{CoTask}, string?, string?, string?, int)"/>.</summary>
    public CoroutineHandle<T> RunAsyncMain<T>(Func<CoTask<T>> main, string? name = "main",
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(main);
        CheckThread();
        CheckNoMain();
        ThrowEarlierErrors();
        Coroutine<T> co = SpawnCore(main, null, name, file, line, member, null, background: false);
        _main = co;
        var handle = new CoroutineHandle<T>(co, co.Version);
        RunUntilIdle();
        return handle;
    }

    /// <summary>
    /// Runs the work posted before main (and due timers) and throws what it and earlier work left for the host, before
    /// main is spawned: thrown by main's first drain, such an error left main registered with no handle for anyone
    /// (audit finding K). No coroutine steps here.
    /// </summary>
    private void ThrowEarlierErrors()
    {
        if (_inbox.HasItems || HasKeptErrors) RunUntilIdle(DrainBudget.PostedWorkOnly);
    }

    /// <summary>Whether the main coroutine (<see cref="RunAsyncMain(Func{CoTask}, string?, string?, string?, int)"/>) has ended.</summary>
    internal bool MainHasEnded => _main is { HasEnded: true };

    private void CheckNoMain()
    {
        // Refused before main is spawned: the drain would refuse anyway, after main had started with no handle for
        // anyone (audit finding K).
        if (_draining)
            throw new InvalidOperationException("RunAsyncMain is not reentrant: it was called from inside a drain (a coroutine " +
                                                "or a posted action). Spawn the work with Spawn instead, or call RunAsyncMain " +
                                                "from the host loop.");
        if (_main is null) return;
        if (!_main.HasEnded)
            throw new InvalidOperationException("This scheduler already runs a main coroutine; spawn further work with Spawn.");
        // Starting a new main ends the previous main handle's life (as a group's end does for its children's handles):
        // its record goes back to the pool instead of being left to the GC, so a host that starts a main per frame or
        // per request (NativeEventLoop.Run does) allocates nothing in steady state.
        Coroutine previous = _main;
        _main = null;
        previous.JoinConsumed = true;
        previous.TryRecycle();
    }
}
