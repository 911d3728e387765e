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

/// <summary>A native loop is bound to the thread that created it; benchmark harnesses may set up on another thread.</summary>
internal static class NativeLoops
{
    internal static NativeEventLoop For(ref NativeEventLoop? loop)
    {
        if (loop is null || !loop.Scheduler.IsOnSchedulerThread) loop = new NativeEventLoop();
        return loop;
    }
}
