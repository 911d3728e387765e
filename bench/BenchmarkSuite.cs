using BenchmarkDotNet.Attributes;

namespace CoSched.Bench;

// BenchmarkDotNet classes: each calls the same Scenario instances as the quick table. Results are per operation
// (OperationsPerInvoke), with MemoryDiagnoser for B/op. The BCL baseline is marked so BDN prints ratios.

[MemoryDiagnoser]
public class PauseLoopBenchmarks
{
    private readonly Scenario _bcl = new PauseLoopTaskYield();
    private readonly Scenario _coSched = new PauseLoopCoSched();

    [GlobalSetup]
    public void Setup()
    {
        _bcl.Setup();
        _coSched.Setup();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 10_000, Description = "BCL Task.Yield")]
    public void TaskYield() => _bcl.Run();

    [Benchmark(OperationsPerInvoke = 10_000, Description = "CoSched scheduler-only")]
    public void CoSchedPause() => _coSched.Run();
}

[MemoryDiagnoser]
public class PauseLoopContendedBenchmarks
{
    private readonly Scenario _bcl = new PauseLoopContendedTaskYield();
    private readonly Scenario _coSched = new PauseLoopContendedCoSched();

    [GlobalSetup]
    public void Setup()
    {
        _bcl.Setup();
        _coSched.Setup();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 10_000, Description = "BCL Task.Yield x10")]
    public void TaskYield() => _bcl.Run();

    [Benchmark(OperationsPerInvoke = 10_000, Description = "CoSched scheduler-only x10")]
    public void CoSchedPause() => _coSched.Run();
}

[MemoryDiagnoser]
public class SpawnWaitBenchmarks
{
    private readonly Scenario _bcl = new SpawnWaitTaskWhenAll(10_000);
    private readonly Scenario _coSched = new SpawnWaitCoSched(10_000);

    [GlobalSetup]
    public void Setup()
    {
        _bcl.Setup();
        _coSched.Setup();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 10_000, Description = "BCL Task.WhenAll")]
    public void TaskWhenAll() => _bcl.Run();

    [Benchmark(OperationsPerInvoke = 10_000, Description = "CoSched scheduler-only")]
    public void CoSchedSpawn() => _coSched.Run();
}
