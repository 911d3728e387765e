using System;
using System.Threading;
using System.Threading.Tasks;

namespace CoSched.Bench;

/// <summary>
/// cond_var_signal (reference): a consumer does n x (wait, count++), a producer n x (pause, signal). Each signal finds
/// the consumer waiting (it parked in the round before), so none is lost. One operation is one signal received.
/// </summary>
public sealed class CondVarSignalCoSched : CoSchedScenario
{
    internal const int Signals = 10_000;
    private readonly Func<CoTask>[] _workers;
    private CoCondition _condition = null!;
    private int _count;

    public CondVarSignalCoSched() => _workers = [Consumer, Producer];

    public override string Name => "cond_var signal";
    public override int Operations => Signals;
    public override string Unit => "signal";

    protected internal override Func<CoTask>[] Workers => _workers;
    protected internal override void Bind(Scheduler scheduler) => _condition = new CoCondition(scheduler);
    protected internal override void BeforeRun() => _count = 0;
    protected internal override void Check() => Drain.Check(_count, Signals, "signals received");

    private async CoTask Consumer()
    {
        CoCondition condition = _condition;
        for (int i = 0; i < Signals; i++)
        {
            await condition.Wait();
            _count++;
        }
    }

    private async CoTask Producer()
    {
        CoCondition condition = _condition;
        for (int i = 0; i < Signals; i++)
        {
            await Co.Pause();
            condition.Signal();
        }
    }
}

/// <summary>cond_var_signal baseline: the BCL has no async condition variable, so SemaphoreSlim(0) is the signal and
/// Task.Yield the producer's pause.</summary>
public sealed class CondVarSignalSlim : Scenario
{
    private const int Signals = CondVarSignalCoSched.Signals;
    private readonly SingleThreadContext _context = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Task[] _tasks = new Task[2];
    private readonly Func<Task> _all;
    private int _count;

    public CondVarSignalSlim() => _all = All;

    public override string Name => "cond_var signal";
    public override string Backend => "BCL SemaphoreSlim(0)+Yield";
    public override bool IsBaseline => true;
    public override int Operations => Signals;
    public override string Unit => "signal";

    public override void Run()
    {
        _count = 0;
        _context.Run(_all);
        Drain.Check(_count, Signals, "signals received");
    }

    private Task All()
    {
        _tasks[0] = Consumer();
        _tasks[1] = Producer();
        return Task.WhenAll(_tasks);
    }

    private async Task Consumer()
    {
        for (int i = 0; i < Signals; i++)
        {
            await _signal.WaitAsync();
            _count++;
        }
    }

    private async Task Producer()
    {
        for (int i = 0; i < Signals; i++)
        {
            await Task.Yield();
            _signal.Release();
        }
    }
}

/// <summary>
/// cond_var ping-pong: two coroutines hand a turn back and forth over two CoConditions (A waits on ping and signals
/// pong; B signals ping and waits on pong). One operation is one round trip.
/// </summary>
public sealed class CondVarPingPongCoSched : CoSchedScenario
{
    internal const int Rounds = 10_000;
    private readonly Func<CoTask>[] _workers;
    private CoCondition _ping = null!;
    private CoCondition _pong = null!;
    private int _rounds;

    public CondVarPingPongCoSched() => _workers = [A, B];

    public override string Name => "cond_var ping-pong";
    public override int Operations => Rounds;
    public override string Unit => "round";
    public override double? TargetNs => 40;

    protected internal override Func<CoTask>[] Workers => _workers;

    protected internal override void Bind(Scheduler scheduler)
    {
        _ping = new CoCondition(scheduler);
        _pong = new CoCondition(scheduler);
    }

    protected internal override void BeforeRun() => _rounds = 0;
    protected internal override void Check() => Drain.Check(_rounds, Rounds, "rounds");

    private async CoTask A()
    {
        for (int i = 0; i < Rounds; i++)
        {
            await _ping.Wait();
            _pong.Signal();
        }
    }

    private async CoTask B()
    {
        // A parks on ping in the first round; B starts signalling only after that, so no signal is lost.
        await Co.Pause();
        for (int i = 0; i < Rounds; i++)
        {
            _ping.Signal();
            await _pong.Wait();
            _rounds++;
        }
    }
}

/// <summary>cond_var ping-pong baseline: the same round trip over two SemaphoreSlim(0).</summary>
public sealed class CondVarPingPongSlim : Scenario
{
    private const int Rounds = CondVarPingPongCoSched.Rounds;
    private readonly SingleThreadContext _context = new();
    private readonly SemaphoreSlim _ping = new(0);
    private readonly SemaphoreSlim _pong = new(0);
    private readonly Task[] _tasks = new Task[2];
    private readonly Func<Task> _all;
    private int _rounds;

    public CondVarPingPongSlim() => _all = All;

    public override string Name => "cond_var ping-pong";
    public override string Backend => "BCL 2x SemaphoreSlim(0)";
    public override bool IsBaseline => true;
    public override int Operations => Rounds;
    public override string Unit => "round";

    public override void Run()
    {
        _rounds = 0;
        _context.Run(_all);
        Drain.Check(_rounds, Rounds, "rounds");
    }

    private Task All()
    {
        _tasks[0] = A();
        _tasks[1] = B();
        return Task.WhenAll(_tasks);
    }

    private async Task A()
    {
        for (int i = 0; i < Rounds; i++)
        {
            await _ping.WaitAsync();
            _pong.Release();
        }
    }

    private async Task B()
    {
        await Task.Yield();
        for (int i = 0; i < Rounds; i++)
        {
            _ping.Release();
            await _pong.WaitAsync();
            _rounds++;
        }
    }
}
