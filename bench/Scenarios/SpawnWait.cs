using System;
using System.Threading.Tasks;

namespace CoSched.Bench;

/// <summary>
/// spawn_wait (reference): a coroutine opens a task group, spawns n background children into it (each pauses once)
/// and the group joins them all. One operation is one child: spawn, one pause, end, join.
/// </summary>
public sealed class SpawnWaitGroupCoSched : CoSchedScenario
{
    private static readonly Func<CoTask> s_child = static () => Child();
    private readonly int _children;
    private readonly Func<CoTask>[] _workers;
    private readonly Func<TaskGroup, CoTask> _body;
    private int _ended;

    public SpawnWaitGroupCoSched(int children)
    {
        _children = children;
        // Bound once: the group body needs the child count, and a delegate per run would be a per-run allocation.
        _workers = [Parent];
        _body = Body;
    }

    public override string Name => SpawnWaitNames.Name(_children);
    public override string Backend => "CoSched group";
    protected internal override string Variant => "group, ";
    public override int Operations => _children;
    public override string Unit => "child";
    public override double? TargetNs => 60;

    protected internal override Func<CoTask>[] Workers => _workers;
    protected internal override void Bind(Scheduler scheduler) { }
    protected internal override void BeforeRun() => _ended = 0;
    protected internal override void Check() => Drain.Check(_ended, 1, "groups joined");

    private async CoTask Parent()
    {
        await Co.WithTaskGroup(_body);
        _ended++;
    }

    private CoTask Body(TaskGroup group)
    {
        for (int i = 0; i < _children; i++) group.SpawnBackground(s_child);
        return CoTask.CompletedTask;
    }

    private static async CoTask Child() => await Co.Pause();
}

/// <summary>
/// spawn_wait, second CoSched row: top-level <see cref="Scheduler.Spawn(Func{CoTask}, string?, string?, string?, int)"/>
/// of n children from a parent coroutine, which then waits on each handle in turn (no group).
/// </summary>
public sealed class SpawnWaitHandlesCoSched : CoSchedScenario
{
    private static readonly Func<CoTask> s_child = static () => Child();
    private readonly int _children;
    private readonly CoroutineHandle[] _handles;
    private readonly Func<CoTask>[] _workers;
    private Scheduler _scheduler = null!;
    private int _joined;

    public SpawnWaitHandlesCoSched(int children)
    {
        _children = children;
        _handles = new CoroutineHandle[children];
        _workers = [Parent];
    }

    public override string Name => SpawnWaitNames.Name(_children);
    public override string Backend => "CoSched Spawn + handle.Wait";
    protected internal override string Variant => "Spawn+Wait, ";
    public override int Operations => _children;
    public override string Unit => "child";

    protected internal override Func<CoTask>[] Workers => _workers;
    protected internal override void Bind(Scheduler scheduler) => _scheduler = scheduler;
    protected internal override void BeforeRun() => _joined = 0;
    protected internal override void Check() => Drain.Check(_joined, _children, "children joined");

    private async CoTask Parent()
    {
        CoroutineHandle[] handles = _handles;
        for (int i = 0; i < handles.Length; i++) handles[i] = _scheduler.Spawn(s_child);
        for (int i = 0; i < handles.Length; i++) await handles[i].Wait();
        _joined = handles.Length;
    }

    private static async CoTask Child() => await Co.Pause();
}

/// <summary>spawn_wait baseline: n async Task children (each Task.Yield once) joined with Task.WhenAll.</summary>
public sealed class SpawnWaitTaskWhenAll : Scenario
{
    private readonly int _children;
    private readonly Task[] _tasks;
    private readonly SingleThreadContext _context = new();
    private readonly Func<Task> _parent;

    public SpawnWaitTaskWhenAll(int children)
    {
        _children = children;
        _tasks = new Task[children];
        _parent = Parent;
    }

    public override string Name => SpawnWaitNames.Name(_children);
    public override string Backend => "BCL Task.WhenAll";
    public override bool IsBaseline => true;
    public override int Operations => _children;
    public override string Unit => "child";

    public override void Run() => _context.Run(_parent);

    private Task Parent()
    {
        for (int i = 0; i < _tasks.Length; i++) _tasks[i] = Child();
        return Task.WhenAll(_tasks);
    }

    private static async Task Child() => await Task.Yield();
}

internal static class SpawnWaitNames
{
    internal static string Name(int children) =>
        children >= 1_000_000 ? $"spawn_wait {children / 1_000_000}M (scale)" : $"spawn_wait {children / 1000}k";
}
