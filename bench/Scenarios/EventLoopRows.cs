using System;

namespace CoSched.Bench;

/// <summary>
/// A <see cref="CoSchedScenario"/> under the native event loop: <see cref="NativeEventLoop.Run(Func{CoTask}, string?, string?, string?, int)"/>
/// runs a main that spawns the workers (with handles) and joins them, so the row pays for the loop's pump around the
/// same program as the scheduler-only row.
/// </summary>
public sealed class NativeLoopRow : Scenario
{
    private readonly CoSchedScenario _program;
    private readonly CoroutineHandle[] _handles;
    private readonly Func<CoTask> _main;
    private NativeEventLoop? _loop;

    public NativeLoopRow(CoSchedScenario program)
    {
        _program = program;
        _handles = new CoroutineHandle[program.Workers.Length];
        _main = Main;
    }

    public override string Name => _program.Name;
    public override string Backend => $"CoSched {_program.Variant}native loop";
    public override int Operations => _program.Operations;
    public override string Unit => _program.Unit;

    public override void Setup() => Loop();

    public override void Run()
    {
        NativeEventLoop loop = Loop();
        _program.BeforeRun();
        loop.Run(_main);
        _program.Check();
    }

    /// <summary>The loop, created (and the program bound to it) on the calling thread: a harness may set up on another.</summary>
    private NativeEventLoop Loop()
    {
        if (_loop is null || !_loop.Scheduler.IsOnSchedulerThread)
        {
            _loop = new NativeEventLoop();
            _program.Bind(_loop.Scheduler);
        }
        return _loop;
    }

    private async CoTask Main()
    {
        Scheduler scheduler = _loop!.Scheduler;
        Func<CoTask>[] workers = _program.Workers;
        CoroutineHandle[] handles = _handles;
        for (int i = 0; i < workers.Length; i++) handles[i] = scheduler.Spawn(workers[i]);
        for (int i = 0; i < handles.Length; i++) await handles[i].Wait();
    }
}

/// <summary>
/// A <see cref="CoSchedScenario"/> on the virtual clock: the workers spawned on a scheduler with a
/// <see cref="VirtualEventLoop"/> attached, driven by <see cref="VirtualEventLoop.RunUntilIdle"/> (the deterministic
/// backend of tests and replays; due timers are checked before every round).
/// </summary>
public sealed class VirtualClockRow : Scenario
{
    private readonly CoSchedScenario _program;
    private VirtualEventLoop _loop = null!;

    public VirtualClockRow(CoSchedScenario program) => _program = program;

    public override string Name => _program.Name;
    public override string Backend => $"CoSched {_program.Variant}virtual clock";
    public override int Operations => _program.Operations;
    public override string Unit => _program.Unit;

    public override void Setup()
    {
        _loop = new VirtualEventLoop(new Scheduler());
        _program.Bind(_loop.Scheduler);
    }

    public override void Run()
    {
        _program.BeforeRun();
        Func<CoTask>[] workers = _program.Workers;
        Scheduler scheduler = _loop.Scheduler;
        for (int i = 0; i < workers.Length; i++) scheduler.SpawnBackground(workers[i]);
        DrainResult r = _loop.RunUntilIdle();
        if (r.Status != DrainStatus.Completed) throw new InvalidOperationException($"scenario did not complete: {r.Status}");
        _program.Check();
    }
}
