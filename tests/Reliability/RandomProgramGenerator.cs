using System;
using System.Collections.Generic;
using CoSched;

namespace CoSched.Tests.Reliability;

/// <summary>
/// Generates a <see cref="RandomProgram"/> from a seed (System.Random with a seed is stable across runs and machines,
/// so a seed printed by a failing run reproduces the same program). Programs are small (at most
/// <see cref="MaxCoroutines"/> coroutines, groups nested up to <see cref="MaxGroupDepth"/> deep) so thousands run in
/// seconds, and every kind of operation appears often enough to meet every other.
/// </summary>
internal sealed class RandomProgramGenerator
{
    private const int MaxCoroutines = 24;
    private const int MaxGroupDepth = 3;
    private const int MaxOps = 12;

    private readonly Random _rng;
    private readonly int _queues;
    private readonly List<int> _spawnIds = new();
    private int _nextId = RandomProgram.RootBodyId + 1;
    private int _nextError;
    private int _nextForeign;
    private int _lazies;
    private bool _timer;

    private RandomProgramGenerator(int seed)
    {
        _rng = new Random(seed);
        _queues = 1 + _rng.Next(2);
    }

    public static RandomProgram Generate(int seed)
    {
        var g = new RandomProgramGenerator(seed);
        var queues = new QueueSpec[g._queues];
        for (int i = 0; i < queues.Length; i++) queues[i] = g.Queue();
        int semaphoreSize = 1 + g._rng.Next(3);
        int timerDueMs = g._rng.Next(2) == 0 ? 10 + g._rng.Next(100) : -1; // later than most sleeps: waits park
        g._timer = timerDueMs >= 0;
        var lazies = new Op[g._rng.Next(3)][];
        g._lazies = lazies.Length;
        for (int i = 0; i < lazies.Length; i++) lazies[i] = g.InitializerBody();
        Op[] root = g.Body(groupDepth: 1, blockDepth: 0, minOps: 5);
        var host = new HostStep[g._rng.Next(10)];
        for (int i = 0; i < host.Length; i++) host[i] = new HostStep(1 + g._rng.Next(6), g.HostAction());
        // Added last, from a stream of their own, so every program keeps the operations it had before they existed.
        root = g.AddStrayCalls(root, new Random(seed ^ 0x5EED));
        return new RandomProgram(seed, queues, semaphoreSize, root, host, lazies, timerDueMs);
    }

    /// <summary>
    /// Puts a call made without await (<see cref="StrayCallOp"/>) into half of the allowFailure children's bodies and a
    /// sixth of the others', of the group bodies and of the timeout bodies: as the last operation half of the time, else
    /// before a random one. Its body usually
    /// suspends. The library must then refuse the child's next await that would suspend (at the await, so nothing is
    /// taken or queued) and, once the child's body ends, unwind the call (its wait withdrawn, nothing lost) before the
    /// child ends, failed, which fails its group unless the child allows failure (a group body always fails its group; a
    /// timeout body's failure is the call's).
    /// </summary>
    private Op[] AddStrayCalls(Op[] ops, Random rng)
    {
        var result = new Op[ops.Length];
        for (int i = 0; i < ops.Length; i++)
        {
            Op op = ops[i];
            if (op.Children is { } children) op = op.WithChildren(AddStrayCalls(children, rng));
            if (op is SpawnOp or GroupOp or TimeoutOp && rng.Next(op is SpawnOp { AllowFailure: true } ? 2 : 6) == 0)
            {
                Op[] body = op.Children!;
                var stray = new StrayCallOp(StrayBody(rng));
                int at = body.Length == 0 || rng.Next(2) == 0 ? body.Length : rng.Next(body.Length);
                op = op.WithChildren([.. body[..at], stray, .. body[at..]]);
            }
            result[i] = op;
        }
        return result;
    }

    private Op[] StrayBody(Random rng)
    {
        var ops = new Op[1 + rng.Next(2)];
        for (int i = 0; i < ops.Length; i++)
        {
            ops[i] = rng.Next(7) switch
            {
                0 or 1 => new PauseOp(),
                2 => new AcquireOp(),
                3 => new GetOp(rng.Next(_queues)),
                4 => new PutOp(rng.Next(_queues)),
                5 => new WaitOp(),
                _ => new SleepOp(1 + rng.Next(10)),
            };
        }
        return ops;
    }

    /// <summary>
    /// A lazy value's initializer: one to four operations that wait, wake and fail (no spawns, groups, defers, cancels or
    /// lazy waits: it runs outside any group, and a wait on its own lazy value would never end); then it returns.
    /// </summary>
    private Op[] InitializerBody()
    {
        var ops = new Op[1 + _rng.Next(4)];
        for (int i = 0; i < ops.Length; i++)
        {
            ops[i] = _rng.Next(12) switch
            {
                0 or 1 => new PauseOp(),
                2 => new SleepOp(Delay()),
                3 => new AcquireOp(),
                4 => new ReleaseOp(),
                5 => new GetOp(_rng.Next(_queues)),
                6 => new PutOp(_rng.Next(_queues)),
                7 => new WaitOp(),
                8 => new SignalOp(Broadcast: _rng.Next(2) == 0),
                9 => new ForeignAwaitOp(_nextForeign++, ObservesToken: _rng.Next(2) == 0),
                10 => new TryGetOp(_rng.Next(_queues)),
                _ => new ThrowOp(_nextError++),
            };
        }
        return ops;
    }

    private QueueSpec Queue() => _rng.Next(6) switch
    {
        0 or 1 => new QueueSpec(QueueKind.Unbounded, int.MaxValue),
        2 or 3 => new QueueSpec(QueueKind.Blocking, _rng.Next(3)), // 0 = rendezvous
        4 => new QueueSpec(QueueKind.DiscardOldest, _rng.Next(3)),
        _ => new QueueSpec(QueueKind.DiscardLatest, _rng.Next(3)),
    };

    private Op[] Body(int groupDepth, int blockDepth, int minOps = 1)
    {
        int n = minOps + _rng.Next(MaxOps - minOps + 1);
        var ops = new List<Op>(n);
        for (int i = 0; i < n; i++) ops.Add(Operation(groupDepth, blockDepth));
        return ops.ToArray();
    }

    private Op Operation(int groupDepth, int blockDepth)
    {
        // Weights out of 100, tuned so that most programs run dozens of operations before they end: operations that end
        // a coroutine or a whole group (throw, close, cancel) are rare, waits are balanced by wakers.
        while (true)
        {
            int roll = _rng.Next(1000);
            switch (roll)
            {
                case < 60:
                    return new PauseOp();
                case < 85:
                    if (!_timer) return new PauseOp();
                    return roll < 72 ? new TimerWaitOp() : roll < 80 ? new TimerResetOp(Delay()) : new TimerCancelOp();
                case < 115:
                    if (_lazies == 0) return new PauseOp();
                    return new LazyWaitOp(_rng.Next(_lazies));
                case < 127:
                    return new ForeignAwaitOp(_nextForeign++, ObservesToken: _rng.Next(2) == 0);
                case < 130:
                    return new CompleteForeignOp(ForeignTarget(), Fail: _rng.Next(4) == 0);
                case < 270:
                    if (_nextId >= MaxCoroutines) continue;
                    {
                        int id = _nextId++;
                        _spawnIds.Add(id);
                        bool noWait = _rng.Next(6) == 0, allowFailure = _rng.Next(4) == 0;
                        return new SpawnOp(id, Body(groupDepth, blockDepth), noWait, allowFailure);
                    }
                case < 320:
                    if (_nextId >= MaxCoroutines || groupDepth >= MaxGroupDepth) continue;
                    {
                        int id = _nextId++;
                        return new GroupOp(id, Body(groupDepth + 1, blockDepth), Catch: _rng.Next(3) == 0);
                    }
                case < 350:
                    return new CancelOp(CancelTarget());
                case < 460:
                    return new PutOp(_rng.Next(_queues));
                case < 490:
                    return new TryPutOp(_rng.Next(_queues));
                case < 560:
                    return new GetOp(_rng.Next(_queues));
                case < 590:
                    return new TryGetOp(_rng.Next(_queues));
                case < 596:
                    return Close();
                case < 656:
                    return new AcquireOp();
                case < 676:
                    return new TryAcquireOp();
                case < 736:
                    return new ReleaseOp();
                case < 766:
                    return new WaitOp();
                case < 826:
                    return new SignalOp(Broadcast: _rng.Next(3) == 0);
                case < 876:
                    return new DeferOp(_nextError++, Async: _rng.Next(2) == 0, Throws: _rng.Next(4) == 0);
                case < 888:
                    return new ThrowOp(_nextError++);
                case < 940:
                    if (blockDepth >= 2) continue;
                    return new CatchOp(Body(groupDepth, blockDepth + 1));
                case < 960:
                    return new ShieldOp(1 + _rng.Next(2), _rng.Next(3) == 0 ? Delay() : 0);
                case < 985:
                    return new SleepOp(Delay());
                default:
                    if (_nextId >= MaxCoroutines) continue;
                    {
                        int id = _nextId++;
                        int ms = _rng.Next(8) == 0 ? -1 : Delay();
                        return new TimeoutOp(id, ms, Body(groupDepth, blockDepth), Catch: _rng.Next(3) == 0, OrDefault: _rng.Next(4) == 0);
                    }
            }
        }
    }

    /// <summary>A virtual delay in ms; zero and equal delays are common, so timers tie and zero-delay paths run.</summary>
    private int Delay() => _rng.Next(5) switch
    {
        0 => 0,
        1 => 1,
        2 => 5,
        3 => 10,
        _ => 1 + _rng.Next(30),
    };

    private CloseOp Close() => new(_rng.Next(_queues), Clear: _rng.Next(2) == 0, WithError: _rng.Next(3) == 0);

    /// <summary>
    /// Mostly a child generated before (so the cancel often hits something live), sometimes one generated later (the
    /// cancel then does nothing, or hits it if it runs later), rarely the root (which ends the whole program).
    /// </summary>
    private int CancelTarget() => _rng.Next(40) == 0 ? RandomProgram.RootId
        : _spawnIds.Count == 0 || _rng.Next(4) == 0 ? RandomProgram.RootBodyId + 1 + _rng.Next(MaxCoroutines) // maybe spawned later
        : _spawnIds[_rng.Next(_spawnIds.Count)];

    /// <summary>Mostly a foreign operation generated before, sometimes a later one (completed before it is awaited).</summary>
    private int ForeignTarget() => _nextForeign == 0 || _rng.Next(3) == 0 ? _rng.Next(_nextForeign + 3) : _rng.Next(_nextForeign);

    private Op? HostAction() => _rng.Next(11) switch
    {
        9 when _timer => _rng.Next(2) == 0 ? new TimerResetOp(Delay()) : new TimerCancelOp(),
        8 => new CompleteForeignOp(ForeignTarget(), Fail: _rng.Next(4) == 0),
        7 => new AdvanceOp(Delay()),
        0 or 1 => new CancelOp(CancelTarget()),
        2 => new SignalOp(Broadcast: _rng.Next(2) == 0),
        3 => new TryPutOp(_rng.Next(_queues)),
        4 => new TryGetOp(_rng.Next(_queues)),
        5 => Close(),
        _ => null,
    };
}
