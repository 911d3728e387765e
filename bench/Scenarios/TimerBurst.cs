namespace CoSched.Bench;

/// <summary>
/// timer_burst: 5,000 coroutines each sleep 20 times for zero time (the timer path: arm, fire at the next check, wake),
/// on the virtual loop (a plain drain suffices: zero sleeps are due at once) or under the native loop.
/// </summary>
public sealed class TimerBurst : Scenario
{
    private const int Coroutines = 5_000;
    private const int SleepsEach = 20;
    private readonly bool _native;
    private Scheduler? _scheduler;
    private NativeEventLoop? _loop;

    public TimerBurst(bool native) => _native = native;

    public override string Name => "timer_burst";
    public override string Backend => _native ? "CoSched native loop" : "CoSched virtual loop";
    public override int Operations => Coroutines * SleepsEach;
    public override string Unit => "sleep";

    public override void Setup()
    {
        if (_native) _loop = new NativeEventLoop();
        else
        {
            _scheduler = new Scheduler();
            _ = new VirtualEventLoop(_scheduler);
        }
    }

    public override void Run()
    {
        if (_native)
        {
            NativeLoops.For(ref _loop).Run(static () => Body());
            return;
        }
        for (int i = 0; i < Coroutines; i++) _scheduler!.SpawnBackground(static () => Sleeper());
        Drain.ToCompletion(_scheduler!);
    }

    /// <summary>Main is one of the sleepers; it then joins the others (Run returns when main ends).</summary>
    private static readonly CoroutineHandle[] s_others = new CoroutineHandle[Coroutines - 1];

    private static async CoTask Body()
    {
        Scheduler s = Scheduler.Current!;
        CoroutineHandle[] others = s_others;
        for (int i = 0; i < others.Length; i++) others[i] = s.Spawn(static () => Sleeper());
        await Sleeper();
        foreach (CoroutineHandle h in others) await h.Wait();
    }

    private static async CoTask Sleeper()
    {
        for (int i = 0; i < SleepsEach; i++) await Co.Sleep(System.TimeSpan.Zero);
    }
}
