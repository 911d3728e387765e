using System;

namespace CoSched.Bench.Floor;

/// <summary>spawn_wait on the featureless floor: n bodies queued to start, each pauses once and reports its end; the
/// parent waits for the count to reach zero.</summary>
public sealed class SpawnWaitFloor : FloorScenario
{
    private readonly int _children;
    private readonly FloorJoin _join = new();
    private readonly Func<FloorTask> _child;
    private int _ended;

    public SpawnWaitFloor(int children)
    {
        _children = children;
        _child = Child;
    }

    public override string Name => SpawnWaitNames.Name(_children);
    public override int Operations => _children;
    public override string Unit => "child";
    public override double? PublishedFloorNs => 33;

    private protected override void Start()
    {
        _ended = 0;
        _ = Parent();
    }

    private protected override void Check() => Drain.Check(_ended, 1, "floor joins");

    private async FloorTask Parent()
    {
        _join.Reset(_children);
        for (int i = 0; i < _children; i++) Floor.Spawn(_child);
        await _join.Wait();
        _ended++;
    }

    private async FloorTask Child()
    {
        await new FloorPause();
        _join.Done();
    }
}

/// <summary>semaphore(2) 8 co on the featureless floor: 8 methods share 2 permits, acquire / pause / release.</summary>
public sealed class SemaphoreContendedFloor : FloorScenario
{
    private const int Cycles = SemaphoreContendedCoSched.Cycles;
    private const int Workers = SemaphoreContendedCoSched.WorkerCount;
    private readonly FloorSemaphore _semaphore = new(SemaphoreContendedCoSched.Permits);
    private int _cycles;

    public override string Name => "semaphore(2) 8 co";
    public override int Operations => Cycles;
    public override string Unit => "cycle";
    public override double? PublishedFloorNs => 15;

    private protected override void Start()
    {
        _cycles = 0;
        for (int i = 0; i < Workers; i++) _ = Worker();
    }

    private protected override void Check() => Drain.Check(_cycles, Cycles, "floor cycles");

    private async FloorTask Worker()
    {
        FloorSemaphore semaphore = _semaphore;
        for (int i = 0; i < Cycles / Workers; i++)
        {
            await semaphore.Acquire();
            await new FloorPause();
            _cycles++;
            semaphore.Release();
        }
    }
}

/// <summary>cond_var ping-pong on the featureless floor: the same round trip over two floor conditions.</summary>
public sealed class CondVarPingPongFloor : FloorScenario
{
    private const int Rounds = CondVarPingPongCoSched.Rounds;
    private readonly FloorCondition _ping = new();
    private readonly FloorCondition _pong = new();
    private int _rounds;

    public override string Name => "cond_var ping-pong";
    public override int Operations => Rounds;
    public override string Unit => "round";
    public override double? PublishedFloorNs => 24;

    private protected override void Start()
    {
        _rounds = 0;
        _ = A();
        _ = B();
    }

    private protected override void Check() => Drain.Check(_rounds, Rounds, "floor rounds");

    private async FloorTask A()
    {
        for (int i = 0; i < Rounds; i++)
        {
            await _ping.Wait();
            _pong.Signal();
        }
    }

    private async FloorTask B()
    {
        // A is parked on ping already (it started first and ran to its first wait).
        for (int i = 0; i < Rounds; i++)
        {
            _ping.Signal();
            await _pong.Wait();
            _rounds++;
        }
    }
}
