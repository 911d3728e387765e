using System.Threading.Tasks;

namespace CoSched.Bench;

/// <summary>
/// spawn_wait: n children are spawned, each pauses once, then all are joined. CoSched: top-level Spawn + handle.Wait()
/// from a main coroutine (task groups replace this when they land).
/// </summary>
public sealed class SpawnWaitCoSched : Scenario
{
    private readonly int _children;
    private readonly CoroutineHandle[] _handles;
    private Scheduler _scheduler = null!;

    public SpawnWaitCoSched(int children)
    {
        _children = children;
        _handles = new CoroutineHandle[children];
    }

    public override string Name => $"spawn_wait {_children / 1000}k";
    public override string Backend => "CoSched scheduler-only";
    public override int Operations => _children;
    public override string Unit => "child";

    public override void Setup() => _scheduler = new Scheduler();

    public override void Run()
    {
        _scheduler.SpawnBackground(() => Parent(_scheduler, _handles));
        _scheduler.RunUntilIdle();
    }

    private static async CoTask Parent(Scheduler scheduler, CoroutineHandle[] handles)
    {
        for (int i = 0; i < handles.Length; i++) handles[i] = scheduler.Spawn(static () => Child());
        for (int i = 0; i < handles.Length; i++) await handles[i].Wait();
    }

    private static async CoTask Child() => await Co.Pause();
}

/// <summary>spawn_wait baseline: n async Task children (each Task.Yield once) joined with Task.WhenAll.</summary>
public sealed class SpawnWaitTaskWhenAll : Scenario
{
    private readonly int _children;
    private readonly Task[] _tasks;
    private readonly SingleThreadContext _context = new();

    public SpawnWaitTaskWhenAll(int children)
    {
        _children = children;
        _tasks = new Task[children];
    }

    public override string Name => $"spawn_wait {_children / 1000}k";
    public override string Backend => "BCL Task.WhenAll";
    public override bool IsBaseline => true;
    public override int Operations => _children;
    public override string Unit => "child";

    public override void Run() => _context.Run(Parent);

    private Task Parent()
    {
        for (int i = 0; i < _tasks.Length; i++) _tasks[i] = Child();
        return Task.WhenAll(_tasks);
    }

    private static async Task Child() => await Task.Yield();
}
