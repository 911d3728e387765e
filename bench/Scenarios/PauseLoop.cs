using System.Threading.Tasks;

namespace CoSched.Bench;

/// <summary>pause_loop (reference): one coroutine pauses n times; the scheduler-only backend drains it.</summary>
public sealed class PauseLoopCoSched : Scenario
{
    internal const int N = 10_000;
    private Scheduler _scheduler = null!;

    public override string Name => "pause_loop";
    public override string Backend => "CoSched scheduler-only";
    public override int Operations => N;
    public override string Unit => "pause";
    public override double? TargetNs => 10;

    public override void Setup() => _scheduler = new Scheduler();

    public override void Run()
    {
        _scheduler.SpawnBackground(static () => Loop(N));
        Drain.ToCompletion(_scheduler);
    }

    private static async CoTask Loop(int n)
    {
        for (int i = 0; i < n; i++) await Co.Pause();
    }
}

/// <summary>pause_loop baseline: Task.Yield under a single-threaded SynchronizationContext.</summary>
public sealed class PauseLoopTaskYield : Scenario
{
    internal const int N = 10_000;
    private readonly SingleThreadContext _context = new();

    public override string Name => "pause_loop";
    public override string Backend => "BCL Task.Yield";
    public override bool IsBaseline => true;
    public override int Operations => N;
    public override string Unit => "pause";

    public override void Run() => _context.Run(static () => Loop(N));

    private static async Task Loop(int n)
    {
        for (int i = 0; i < n; i++) await Task.Yield();
    }
}

/// <summary>pause_loop (contended): 10 coroutines interleave, each pausing n/10 times.</summary>
public sealed class PauseLoopContendedCoSched : Scenario
{
    internal const int N = 10_000;
    private const int Coroutines = 10;
    private Scheduler _scheduler = null!;

    public override string Name => "pause_loop x10";
    public override string Backend => "CoSched scheduler-only";
    public override int Operations => N;
    public override string Unit => "pause";

    public override void Setup() => _scheduler = new Scheduler();

    public override void Run()
    {
        for (int i = 0; i < Coroutines; i++) _scheduler.SpawnBackground(static () => Loop(N / Coroutines));
        Drain.ToCompletion(_scheduler);
    }

    private static async CoTask Loop(int n)
    {
        for (int i = 0; i < n; i++) await Co.Pause();
    }
}

/// <summary>pause_loop (contended) baseline: 10 async Task loops of Task.Yield on one thread.</summary>
public sealed class PauseLoopContendedTaskYield : Scenario
{
    internal const int N = 10_000;
    private const int Loops = 10;
    private readonly SingleThreadContext _context = new();
    private readonly Task[] _tasks = new Task[Loops];

    public override string Name => "pause_loop x10";
    public override string Backend => "BCL Task.Yield";
    public override bool IsBaseline => true;
    public override int Operations => N;
    public override string Unit => "pause";

    public override void Run() => _context.Run(RunAll);

    private Task RunAll()
    {
        for (int i = 0; i < Loops; i++) _tasks[i] = Loop(N / Loops);
        return Task.WhenAll(_tasks);
    }

    private static async Task Loop(int n)
    {
        for (int i = 0; i < n; i++) await Task.Yield();
    }
}
