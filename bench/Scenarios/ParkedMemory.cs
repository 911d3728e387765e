using System;
using System.Threading;
using System.Threading.Tasks;

namespace CoSched.Bench;

/// <summary>
/// Scale: bytes per coroutine parked on one <see cref="CoCondition"/>. Each measurement uses a fresh scheduler, because
/// coroutine records and state-machine boxes are pooled per scheduler: on a reused one, the second million would reuse
/// the first million's records and read as nearly free. The figure therefore includes everything a parked coroutine
/// keeps reachable: its record, its state-machine box, and its share of the ready queue grown by the spawn burst.
/// State-machine boxes are pooled per thread (across schedulers), so the probe must run once per process, before any
/// other run of its waiter method: the quick table runs it last and once, without a warm-up (retained bytes do not
/// depend on JIT tiering). A feeder lease is held while they are parked so the drain reports Idle instead of building a 10^6-entry deadlock
/// report. Then Broadcast wakes them all and they finish.
/// </summary>
public sealed class ParkedMemoryCoSched : MemoryProbe
{
    private readonly Func<CoTask> _waiter;
    private CoCondition _condition = null!;
    private int _woken;

    public ParkedMemoryCoSched() => _waiter = Waiter;

    public override string Name => "parked on CoCondition";
    public override string Backend => "CoSched scheduler-only";
    public override double? TargetBytes => 256;

    public override MemoryResult Measure(int count)
    {
        var scheduler = new Scheduler();
        _condition = new CoCondition(scheduler);
        _woken = 0;
        double perWaiter, spawned;
        using (scheduler.AcquireFeederLease())
        {
            long before = GC.GetTotalMemory(forceFullCollection: true);
            for (int i = 0; i < count; i++) scheduler.SpawnBackground(_waiter);
            spawned = (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)count;
            DrainResult parked = scheduler.RunUntilIdle();
            if (parked.Status != DrainStatus.Idle || scheduler.LiveCoroutines != count)
                throw new InvalidOperationException($"expected {count} parked coroutines, got {scheduler.LiveCoroutines} ({parked.Status})");
            long after = GC.GetTotalMemory(forceFullCollection: true);
            perWaiter = (after - before) / (double)count;
            Drain.Check(_condition.Broadcast(), count, "waiters woken");
        }
        Drain.ToCompletion(scheduler);
        Drain.Check(_woken, count, "waiters finished");
        return new MemoryResult(perWaiter, $"spawned {spawned:F0} (record, ready slot) + parked {perWaiter - spawned:F0} (box)");
    }

    private async CoTask Waiter()
    {
        await _condition.Wait();
        _woken++;
    }
}

/// <summary>
/// Scale baseline: bytes per async Task method parked on one SemaphoreSlim(0) (the BCL's closest async condition)
/// under <see cref="SingleThreadContext"/>; then Release(count) lets them all finish. The Task[] that holds them is
/// allocated before the first measurement and not counted.
/// </summary>
public sealed class ParkedMemorySlim : MemoryProbe
{
    private readonly SingleThreadContext _context = new();
    private SemaphoreSlim _signal = null!;
    private Task[] _tasks = [];
    private int _count;
    private int _woken;
    private double _perWaiter;

    public override string Name => "parked on CoCondition";
    public override string Backend => "BCL SemaphoreSlim(0).WaitAsync";
    public override bool IsBaseline => true;

    public override MemoryResult Measure(int count)
    {
        _signal = new SemaphoreSlim(0);
        if (_tasks.Length != count) _tasks = new Task[count];
        _count = count;
        _woken = 0;
        _context.Run(ParkAndRelease);
        Drain.Check(_woken, count, "waiters finished");
        Array.Clear(_tasks);
        return new MemoryResult(_perWaiter, "async Task box + SemaphoreSlim wait task");
    }

    private Task ParkAndRelease()
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < _count; i++) _tasks[i] = Waiter();
        long after = GC.GetTotalMemory(forceFullCollection: true);
        _perWaiter = (after - before) / (double)_count;
        _signal.Release(_count);
        return Task.WhenAll(_tasks);
    }

    private async Task Waiter()
    {
        await _signal.WaitAsync();
        _woken++;
    }
}
