using System;
using System.Threading;
using System.Threading.Tasks;

namespace CoSched.Bench;

/// <summary>
/// semaphore_throughput (reference): Semaphore(1), 2 coroutines each do n acquire/release. One operation is one
/// acquire + release. Nobody ever waits: the first coroutine runs its n cycles in one step, then the second.
/// </summary>
public sealed class SemaphoreUncontendedCoSched : CoSchedScenario
{
    internal const int PerWorker = 10_000;
    internal const int WorkerCount = 2;
    private readonly Func<CoTask>[] _workers;
    private CoSemaphore _semaphore = null!;
    private int _cycles;

    public SemaphoreUncontendedCoSched() => _workers = [Worker, Worker];

    public override string Name => "semaphore(1) 2 co";
    public override int Operations => PerWorker * WorkerCount;
    public override string Unit => "acq+rel";

    protected internal override Func<CoTask>[] Workers => _workers;
    protected internal override void Bind(Scheduler scheduler) => _semaphore = new CoSemaphore(scheduler, 1);
    protected internal override void BeforeRun() => _cycles = 0;
    protected internal override void Check() => Drain.Check(_cycles, Operations, "cycles");

    private async CoTask Worker()
    {
        CoSemaphore semaphore = _semaphore;
        for (int i = 0; i < PerWorker; i++)
        {
            await semaphore.Acquire();
            _cycles++;
            semaphore.Release();
        }
    }
}

/// <summary>semaphore_throughput (reference) baseline: SemaphoreSlim(1), 2 async Task workers each n WaitAsync/Release.</summary>
public sealed class SemaphoreUncontendedSlim : Scenario
{
    private const int PerWorker = SemaphoreUncontendedCoSched.PerWorker;
    private const int Workers = SemaphoreUncontendedCoSched.WorkerCount;
    private readonly SingleThreadContext _context = new();
    private readonly SemaphoreSlim _semaphore = new(1, 1);
    private readonly Task[] _tasks = new Task[Workers];
    private readonly Func<Task> _all;
    private int _cycles;

    public SemaphoreUncontendedSlim() => _all = All;

    public override string Name => "semaphore(1) 2 co";
    public override string Backend => "BCL SemaphoreSlim(1)";
    public override bool IsBaseline => true;
    public override int Operations => PerWorker * Workers;
    public override string Unit => "acq+rel";

    public override void Run()
    {
        _cycles = 0;
        _context.Run(_all);
        Drain.Check(_cycles, Operations, "cycles");
    }

    private Task All()
    {
        for (int i = 0; i < Workers; i++) _tasks[i] = Worker();
        return Task.WhenAll(_tasks);
    }

    private async Task Worker()
    {
        for (int i = 0; i < PerWorker; i++)
        {
            await _semaphore.WaitAsync();
            _cycles++;
            _semaphore.Release();
        }
    }
}

/// <summary>
/// semaphore_throughput (contended): 8 coroutines share Semaphore(2); each cycle is acquire, pause, release, so
/// six coroutines are always queued on the semaphore. One operation is one cycle.
/// </summary>
public sealed class SemaphoreContendedCoSched : CoSchedScenario
{
    internal const int Cycles = 10_000;
    internal const int WorkerCount = 8;
    internal const int Permits = 2;
    private readonly Func<CoTask>[] _workers;
    private CoSemaphore _semaphore = null!;
    private int _cycles;

    public SemaphoreContendedCoSched()
    {
        _workers = new Func<CoTask>[WorkerCount];
        Func<CoTask> worker = Worker;
        for (int i = 0; i < WorkerCount; i++) _workers[i] = worker;
    }

    public override string Name => "semaphore(2) 8 co";
    public override int Operations => Cycles;
    public override string Unit => "cycle";
    public override double? TargetNs => 25;

    protected internal override Func<CoTask>[] Workers => _workers;
    protected internal override void Bind(Scheduler scheduler) => _semaphore = new CoSemaphore(scheduler, Permits);
    protected internal override void BeforeRun() => _cycles = 0;
    protected internal override void Check() => Drain.Check(_cycles, Cycles, "cycles");

    private async CoTask Worker()
    {
        CoSemaphore semaphore = _semaphore;
        for (int i = 0; i < Cycles / WorkerCount; i++)
        {
            await semaphore.Acquire();
            await Co.Pause();
            _cycles++;
            semaphore.Release();
        }
    }
}

/// <summary>semaphore_throughput (contended) baseline: SemaphoreSlim(2), 8 async Task workers, WaitAsync / Task.Yield /
/// Release.</summary>
public sealed class SemaphoreContendedSlim : Scenario
{
    private const int Cycles = SemaphoreContendedCoSched.Cycles;
    private const int Workers = SemaphoreContendedCoSched.WorkerCount;
    private readonly SingleThreadContext _context = new();
    private readonly SemaphoreSlim _semaphore = new(SemaphoreContendedCoSched.Permits, SemaphoreContendedCoSched.Permits);
    private readonly Task[] _tasks = new Task[Workers];
    private readonly Func<Task> _all;
    private int _cycles;

    public SemaphoreContendedSlim() => _all = All;

    public override string Name => "semaphore(2) 8 co";
    public override string Backend => "BCL SemaphoreSlim(2)";
    public override bool IsBaseline => true;
    public override int Operations => Cycles;
    public override string Unit => "cycle";

    public override void Run()
    {
        _cycles = 0;
        _context.Run(_all);
        Drain.Check(_cycles, Cycles, "cycles");
    }

    private Task All()
    {
        for (int i = 0; i < Workers; i++) _tasks[i] = Worker();
        return Task.WhenAll(_tasks);
    }

    private async Task Worker()
    {
        for (int i = 0; i < Cycles / Workers; i++)
        {
            await _semaphore.WaitAsync();
            await Task.Yield();
            _cycles++;
            _semaphore.Release();
        }
    }
}
