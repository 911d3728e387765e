using BenchmarkDotNet.Attributes;

namespace CoSched.Bench;

// The event-loop benchmarks: pause_loop scheduler-only vs under NativeEventLoop.Run and on the virtual clock in one
// BenchmarkDotNet run (the baseline is the scheduler-only row, so BDN's ratio column is the loop's overhead; the BCL
// comparison is PauseLoopBenchmarks), then timer_burst and sleep_wake.

[MemoryDiagnoser]
public class NativeLoopPauseBenchmarks
{
    private readonly Scenario _schedulerOnly = new PauseLoopCoSched();
    private readonly Scenario _native = new PauseLoopNativeRun();
    private readonly Scenario _schedulerOnlyX10 = new PauseLoopContendedCoSched();
    private readonly Scenario _nativeX10 = new PauseLoopContendedNativeRun();
    private readonly Scenario _virtual = new PauseLoopVirtualClock(1);
    private readonly Scenario _virtualX10 = new PauseLoopVirtualClock(10);

    [GlobalSetup]
    public void Setup()
    {
        _schedulerOnly.Setup();
        _native.Setup();
        _schedulerOnlyX10.Setup();
        _nativeX10.Setup();
        _virtual.Setup();
        _virtualX10.Setup();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 10_000, Description = "pause_loop scheduler-only")]
    public void SchedulerOnly() => _schedulerOnly.Run();

    [Benchmark(OperationsPerInvoke = 10_000, Description = "pause_loop NativeEventLoop.Run")]
    public void Native() => _native.Run();

    [Benchmark(OperationsPerInvoke = 10_000, Description = "pause_loop virtual clock")]
    public void Virtual() => _virtual.Run();

    [Benchmark(OperationsPerInvoke = 10_000, Description = "pause_loop x10 scheduler-only")]
    public void SchedulerOnlyX10() => _schedulerOnlyX10.Run();

    [Benchmark(OperationsPerInvoke = 10_000, Description = "pause_loop x10 NativeEventLoop.Run")]
    public void NativeX10() => _nativeX10.Run();

    [Benchmark(OperationsPerInvoke = 10_000, Description = "pause_loop x10 virtual clock")]
    public void VirtualX10() => _virtualX10.Run();
}

[MemoryDiagnoser]
public class TimerBenchmarks
{
    private readonly Scenario _virtual = new TimerBurst(native: false);
    private readonly Scenario _native = new TimerBurst(native: true);
    private readonly Scenario _threadSleep = new SleepWakeThreadSleep();
    private readonly Scenario _sleepWake = new SleepWakeNative();

    [GlobalSetup]
    public void Setup()
    {
        _virtual.Setup();
        _native.Setup();
        _threadSleep.Setup();
        _sleepWake.Setup();
    }

    [Benchmark(OperationsPerInvoke = 100_000, Description = "timer_burst virtual loop")]
    public void TimerBurstVirtual() => _virtual.Run();

    [Benchmark(OperationsPerInvoke = 100_000, Description = "timer_burst NativeEventLoop.Run")]
    public void TimerBurstNative() => _native.Run();

    [Benchmark(OperationsPerInvoke = 20, Description = "sleep_wake 1 ms Thread.Sleep")]
    public void ThreadSleep() => _threadSleep.Run();

    [Benchmark(OperationsPerInvoke = 20, Description = "sleep_wake 1 ms NativeEventLoop.Run")]
    public void SleepWake() => _sleepWake.Run();
}
