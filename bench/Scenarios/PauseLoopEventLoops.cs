using System;

namespace CoSched.Bench;

/// <summary>
/// pause_loop under the native event loop: the same loop as <see cref="PauseLoopCoSched"/>, run by
/// <see cref="NativeEventLoop.Run(System.Func{CoTask}, string?, string?, string?, int)"/>. The loop must cost nothing
/// while work is ready (target: within 1.2x of scheduler-only; the reference library's native loop is 3x slower).
/// </summary>
public sealed class PauseLoopNativeRun : Scenario
{
    private const int N = 10_000;
    private NativeEventLoop? _loop;

    public override string Name => "pause_loop";
    public override string Backend => "CoSched native loop";
    public override int Operations => N;
    public override string Unit => "pause";
    public override (string Backend, double MaxFactor)? TargetRelative => ("CoSched scheduler-only", 1.2);

    public override void Setup() => _loop = new NativeEventLoop();

    public override void Run() => NativeLoops.For(ref _loop).Run(static () => Loop(N));

    private static async CoTask Loop(int n)
    {
        for (int i = 0; i < n; i++) await Co.Pause();
    }
}

/// <summary>pause_loop x10 (10 interleaved coroutines) under the native event loop.</summary>
public sealed class PauseLoopContendedNativeRun : Scenario
{
    private const int N = 10_000;
    private const int Coroutines = 10;
    private NativeEventLoop? _loop;

    public override string Name => "pause_loop x10";
    public override string Backend => "CoSched native loop";
    public override int Operations => N;
    public override string Unit => "pause";

    public override void Setup() => _loop = new NativeEventLoop();

    public override void Run() => NativeLoops.For(ref _loop).Run(static () => Body());

    /// <summary>Main runs one of the ten loops itself, then joins the nine others (Run returns when main ends).</summary>
    private static readonly CoroutineHandle[] s_others = new CoroutineHandle[Coroutines - 1];

    private static async CoTask Body()
    {
        Scheduler s = Scheduler.Current!;
        CoroutineHandle[] others = s_others;
        for (int i = 0; i < others.Length; i++) others[i] = s.Spawn(static () => Loop(N / Coroutines));
        await Loop(N / Coroutines);
        foreach (CoroutineHandle h in others) await h.Wait();
    }

    private static async CoTask Loop(int n)
    {
        for (int i = 0; i < n; i++) await Co.Pause();
    }
}

/// <summary>
/// pause_loop on the virtual clock: the same loop on a scheduler with a <see cref="VirtualEventLoop"/> attached, driven
/// by <see cref="VirtualEventLoop.RunUntilIdle"/> (the deterministic backend of tests and replays). Timers are checked
/// before every round, so this row shows what an attached loop costs a pause when no timer is pending.
/// </summary>
public sealed class PauseLoopVirtualClock : Scenario
{
    private const int N = 10_000;
    private readonly int _coroutines;
    private readonly Func<CoTask> _loopBody;
    private VirtualEventLoop _loop = null!;

    /// <param name="coroutines">1 for pause_loop, 10 for pause_loop x10 (each pauses N / coroutines times).</param>
    public PauseLoopVirtualClock(int coroutines)
    {
        _coroutines = coroutines;
        _loopBody = Loop;
    }

    public override string Name => _coroutines == 1 ? "pause_loop" : $"pause_loop x{_coroutines}";
    public override string Backend => "CoSched virtual clock";
    public override int Operations => N;
    public override string Unit => "pause";

    public override void Setup() => _loop = new VirtualEventLoop(new Scheduler());

    public override void Run()
    {
        for (int i = 0; i < _coroutines; i++) _loop.Scheduler.SpawnBackground(_loopBody);
        DrainResult r = _loop.RunUntilIdle();
        if (r.Status != DrainStatus.Completed) throw new InvalidOperationException($"scenario did not complete: {r.Status}");
    }

    private async CoTask Loop()
    {
        int n = N / _coroutines;
        for (int i = 0; i < n; i++) await Co.Pause();
    }
}

/// <summary>A native loop is bound to the thread that created it; benchmark harnesses may set up on another thread.</summary>
internal static class NativeLoops
{
    internal static NativeEventLoop For(ref NativeEventLoop? loop)
    {
        if (loop is null || !loop.Scheduler.IsOnSchedulerThread) loop = new NativeEventLoop();
        return loop;
    }
}
