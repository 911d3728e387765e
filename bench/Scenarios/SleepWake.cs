using System;
using System.Threading;

namespace CoSched.Bench;

/// <summary>
/// sleep_wake: the latency of a 1 ms sleep on the native loop (the loop blocks in a kernel wait and must wake for the
/// timer), against a plain <see cref="Thread.Sleep(int)"/> of 1 ms: the OS's own timed-wait latency.
/// </summary>
public sealed class SleepWakeNative : Scenario
{
    private const int N = 20;
    private NativeEventLoop? _loop;

    public override string Name => "sleep_wake 1 ms";
    public override string Backend => "CoSched native loop";
    public override int Operations => N;
    public override string Unit => "sleep";

    public override void Setup() => _loop = new NativeEventLoop();

    public override void Run() => NativeLoops.For(ref _loop).Run(static () => Loop());

    private static async CoTask Loop()
    {
        for (int i = 0; i < N; i++) await Co.Sleep(TimeSpan.FromMilliseconds(1));
    }
}

/// <summary>sleep_wake baseline: Thread.Sleep(1).</summary>
public sealed class SleepWakeThreadSleep : Scenario
{
    private const int N = 20;

    public override string Name => "sleep_wake 1 ms";
    public override string Backend => "BCL Thread.Sleep";
    public override bool IsBaseline => true;
    public override int Operations => N;
    public override string Unit => "sleep";

    public override void Run()
    {
        for (int i = 0; i < N; i++) Thread.Sleep(1);
    }
}
