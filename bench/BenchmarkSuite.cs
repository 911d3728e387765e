using System;
using BenchmarkDotNet.Attributes;

namespace CoSched.Bench;

// BenchmarkDotNet classes: one per non-scale scenario, each calling the same Scenario instances as the quick table.
// Results are per operation (OperationsPerInvoke = the scenario's Operations, checked in GlobalSetup), with
// MemoryDiagnoser for B/op. The BCL row is the Baseline, so BDN's Ratio column is CoSched / BCL (lower is faster,
// the inverse of the quick table's ratio).

internal static class Suite
{
    internal static void Setup(int operationsPerInvoke, params Scenario[] scenarios)
    {
        foreach (Scenario s in scenarios)
        {
            if (s.Operations != operationsPerInvoke)
                throw new InvalidOperationException($"{s.Name} / {s.Backend}: {s.Operations} operations per run, but OperationsPerInvoke is {operationsPerInvoke}");
            s.Setup();
        }
    }
}

[MemoryDiagnoser]
public class PauseLoopBenchmarks
{
    private const int Ops = PauseLoopCoSched.N;
    private readonly Scenario _bcl = new PauseLoopTaskYield();
    private readonly Scenario _coSched = new PauseLoopCoSched();
    private readonly Scenario _floor = new Floor.PauseLoopFloor();

    [GlobalSetup]
    public void Setup() => Suite.Setup(Ops, _bcl, _coSched, _floor);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops, Description = "BCL Task.Yield")]
    public void TaskYield() => _bcl.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched scheduler-only")]
    public void CoSchedPause() => _coSched.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "featureless floor (no promises)")]
    public void FloorPause() => _floor.Run();
}

[MemoryDiagnoser]
public class PauseLoopContendedBenchmarks
{
    private const int Ops = PauseLoopContendedCoSched.N;
    private readonly Scenario _bcl = new PauseLoopContendedTaskYield();
    private readonly Scenario _coSched = new PauseLoopContendedCoSched();

    [GlobalSetup]
    public void Setup() => Suite.Setup(Ops, _bcl, _coSched);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops, Description = "BCL Task.Yield x10")]
    public void TaskYield() => _bcl.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched scheduler-only x10")]
    public void CoSchedPause() => _coSched.Run();
}

[MemoryDiagnoser]
public class SpawnWaitBenchmarks
{
    private const int Ops = 10_000;
    private readonly Scenario _bcl = new SpawnWaitTaskWhenAll(Ops);
    private readonly Scenario _group = new SpawnWaitGroupCoSched(Ops);
    private readonly Scenario _native = new NativeLoopRow(new SpawnWaitGroupCoSched(Ops));
    private readonly Scenario _virtual = new VirtualClockRow(new SpawnWaitGroupCoSched(Ops));
    private readonly Scenario _handles = new SpawnWaitHandlesCoSched(Ops);
    private readonly Scenario _floor = new Floor.SpawnWaitFloor(Ops);

    [GlobalSetup]
    public void Setup() => Suite.Setup(Ops, _bcl, _group, _handles, _native, _virtual, _floor);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops, Description = "BCL Task.WhenAll")]
    public void TaskWhenAll() => _bcl.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched group")]
    public void CoSchedGroup() => _group.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched Spawn + handle.Wait")]
    public void CoSchedHandles() => _handles.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched group, native loop")]
    public void NativeLoop() => _native.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched group, virtual clock")]
    public void VirtualClock() => _virtual.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "featureless floor (no promises)")]
    public void Floor() => _floor.Run();
}

[MemoryDiagnoser]
public class QueueUnboundedBenchmarks
{
    private const int Ops = QueueVariants.Items;
    private readonly Scenario _bcl = new QueueThroughputChannel(QueueVariant.Unbounded);
    private readonly Scenario _coSched = new QueueThroughputCoSched(QueueVariant.Unbounded);
    private readonly Scenario _native = new NativeLoopRow(new QueueThroughputCoSched(QueueVariant.Unbounded));
    private readonly Scenario _virtual = new VirtualClockRow(new QueueThroughputCoSched(QueueVariant.Unbounded));

    [GlobalSetup]
    public void Setup() => Suite.Setup(Ops, _bcl, _coSched, _native, _virtual);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops, Description = "BCL Channel unbounded SRSW")]
    public void Channel() => _bcl.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched CoQueue.Unbounded")]
    public void CoQueue() => _coSched.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched native loop")]
    public void NativeLoop() => _native.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched virtual clock")]
    public void VirtualClock() => _virtual.Run();
}

[MemoryDiagnoser]
public class QueueBoundedBenchmarks
{
    private const int Ops = QueueVariants.Items;
    private readonly Scenario _bcl = new QueueThroughputChannel(QueueVariant.Bounded);
    private readonly Scenario _coSched = new QueueThroughputCoSched(QueueVariant.Bounded);
    private readonly Scenario _native = new NativeLoopRow(new QueueThroughputCoSched(QueueVariant.Bounded));
    private readonly Scenario _virtual = new VirtualClockRow(new QueueThroughputCoSched(QueueVariant.Bounded));

    [GlobalSetup]
    public void Setup() => Suite.Setup(Ops, _bcl, _coSched, _native, _virtual);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops, Description = "BCL Channel bounded(64)")]
    public void Channel() => _bcl.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched CoQueue.Blocking(64)")]
    public void CoQueue() => _coSched.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched native loop")]
    public void NativeLoop() => _native.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched virtual clock")]
    public void VirtualClock() => _virtual.Run();
}

[MemoryDiagnoser]
public class QueueFanInBenchmarks
{
    private const int Ops = QueueVariants.Items;
    private readonly Scenario _bcl = new QueueThroughputChannel(QueueVariant.BoundedFanIn);
    private readonly Scenario _coSched = new QueueThroughputCoSched(QueueVariant.BoundedFanIn);
    private readonly Scenario _native = new NativeLoopRow(new QueueThroughputCoSched(QueueVariant.BoundedFanIn));
    private readonly Scenario _virtual = new VirtualClockRow(new QueueThroughputCoSched(QueueVariant.BoundedFanIn));

    [GlobalSetup]
    public void Setup() => Suite.Setup(Ops, _bcl, _coSched, _native, _virtual);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops, Description = "BCL Channel bounded(64) 4W")]
    public void Channel() => _bcl.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched CoQueue.Blocking(64) 4p")]
    public void CoQueue() => _coSched.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched native loop")]
    public void NativeLoop() => _native.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched virtual clock")]
    public void VirtualClock() => _virtual.Run();
}

[MemoryDiagnoser]
public class SemaphoreBenchmarks
{
    private const int Ops = SemaphoreUncontendedCoSched.PerWorker * SemaphoreUncontendedCoSched.WorkerCount;
    private readonly Scenario _bcl = new SemaphoreUncontendedSlim();
    private readonly Scenario _coSched = new SemaphoreUncontendedCoSched();
    private readonly Scenario _native = new NativeLoopRow(new SemaphoreUncontendedCoSched());
    private readonly Scenario _virtual = new VirtualClockRow(new SemaphoreUncontendedCoSched());

    [GlobalSetup]
    public void Setup() => Suite.Setup(Ops, _bcl, _coSched, _native, _virtual);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops, Description = "BCL SemaphoreSlim(1)")]
    public void SemaphoreSlim() => _bcl.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched CoSemaphore(1)")]
    public void CoSemaphore() => _coSched.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched native loop")]
    public void NativeLoop() => _native.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched virtual clock")]
    public void VirtualClock() => _virtual.Run();
}

[MemoryDiagnoser]
public class SemaphoreContendedBenchmarks
{
    private const int Ops = SemaphoreContendedCoSched.Cycles;
    private readonly Scenario _bcl = new SemaphoreContendedSlim();
    private readonly Scenario _coSched = new SemaphoreContendedCoSched();
    private readonly Scenario _native = new NativeLoopRow(new SemaphoreContendedCoSched());
    private readonly Scenario _virtual = new VirtualClockRow(new SemaphoreContendedCoSched());

    private readonly Scenario _floor = new Floor.SemaphoreContendedFloor();

    [GlobalSetup]
    public void Setup() => Suite.Setup(Ops, _bcl, _coSched, _native, _virtual, _floor);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops, Description = "BCL SemaphoreSlim(2) x8")]
    public void SemaphoreSlim() => _bcl.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched CoSemaphore(2) x8")]
    public void CoSemaphore() => _coSched.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched native loop")]
    public void NativeLoop() => _native.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched virtual clock")]
    public void VirtualClock() => _virtual.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "featureless floor (no promises)")]
    public void Floor() => _floor.Run();
}

[MemoryDiagnoser]
public class CondVarSignalBenchmarks
{
    private const int Ops = CondVarSignalCoSched.Signals;
    private readonly Scenario _bcl = new CondVarSignalSlim();
    private readonly Scenario _coSched = new CondVarSignalCoSched();
    private readonly Scenario _native = new NativeLoopRow(new CondVarSignalCoSched());
    private readonly Scenario _virtual = new VirtualClockRow(new CondVarSignalCoSched());

    [GlobalSetup]
    public void Setup() => Suite.Setup(Ops, _bcl, _coSched, _native, _virtual);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops, Description = "BCL SemaphoreSlim(0)+Yield")]
    public void SemaphoreSlim() => _bcl.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched CoCondition")]
    public void CoCondition() => _coSched.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched native loop")]
    public void NativeLoop() => _native.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched virtual clock")]
    public void VirtualClock() => _virtual.Run();
}

[MemoryDiagnoser]
public class CondVarPingPongBenchmarks
{
    private const int Ops = CondVarPingPongCoSched.Rounds;
    private readonly Scenario _bcl = new CondVarPingPongSlim();
    private readonly Scenario _coSched = new CondVarPingPongCoSched();
    private readonly Scenario _native = new NativeLoopRow(new CondVarPingPongCoSched());
    private readonly Scenario _virtual = new VirtualClockRow(new CondVarPingPongCoSched());

    private readonly Scenario _floor = new Floor.CondVarPingPongFloor();

    [GlobalSetup]
    public void Setup() => Suite.Setup(Ops, _bcl, _coSched, _native, _virtual, _floor);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops, Description = "BCL 2x SemaphoreSlim(0)")]
    public void SemaphoreSlim() => _bcl.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched 2x CoCondition")]
    public void CoCondition() => _coSched.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched native loop")]
    public void NativeLoop() => _native.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "CoSched virtual clock")]
    public void VirtualClock() => _virtual.Run();

    [Benchmark(OperationsPerInvoke = Ops, Description = "featureless floor (no promises)")]
    public void Floor() => _floor.Run();
}

