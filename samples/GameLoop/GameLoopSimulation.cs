using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using CoSched.Host;

namespace CoSched.Samples.GameLoop;

/// <summary>
/// A fixed-timestep game loop at 60 ticks/s driving a few hundred entity coroutines through a <see cref="GameLoopHost"/>:
/// movers (one step per frame), timers (sleeps in game time), a spawner of short-lived projectiles (frame delays) and a
/// queue of game events with one consumer. Each tick drains within a time budget; the loop prints per frame the drain
/// time, the steps run, the longest step and whether the budget held. The simulation is deterministic in game time
/// (fixed delta, seeded randomness); only the printed timings depend on the machine.
/// </summary>
internal sealed class GameLoopSimulation
{
    internal const int TicksPerSecond = 60;
    internal static readonly TimeSpan FixedDelta = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / TicksPerSecond);
    internal static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(4);

    private readonly GameLoopHost _host = new() { LongStepThreshold = TimeSpan.FromMilliseconds(2) };
    private readonly CoQueue<string> _events;
    private readonly TextWriter _out;
    private readonly Random _random = new(12345);
    private int _entities;
    private int _eventsHandled;
    private int _projectilesSpawned;

    internal GameLoopSimulation(TextWriter output)
    {
        _out = output;
        _events = CoQueue<string>.Unbounded(_host.Scheduler);
        _host.LongStepReported = step => _out.WriteLine($"  hitch: {step}");
    }

    /// <summary>Events the consumer handled so far.</summary>
    internal int EventsHandled => _eventsHandled;

    /// <summary>Runs <paramref name="frames"/> ticks; with <paramref name="realTime"/>, paced at 60 ticks/s on the wall clock.</summary>
    internal void Run(int frames, bool realTime)
    {
        Spawn(_host.Scheduler);
        _host.Scheduler.RunUntilIdle(); // the entities start and park for the first tick
        int held = 0;
        TimeSpan worstDrain = TimeSpan.Zero;
        long next = Stopwatch.GetTimestamp();
        long period = Stopwatch.Frequency / TicksPerSecond;
        for (int i = 0; i < frames; i++)
        {
            if (realTime)
            {
                // Fixed timestep: one tick per 1/60 s of wall time; sleep off the rest of the frame like a vsync wait.
                next += period;
                long wait = next - Stopwatch.GetTimestamp();
                if (wait > 0) Thread.Sleep(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            }
            TickResult r = _host.Tick(FixedDelta, DrainBudget.Time(Budget));
            bool budgetHeld = r.DrainTime <= Budget && !r.BudgetExhausted;
            if (budgetHeld) held++;
            if (r.DrainTime > worstDrain) worstDrain = r.DrainTime;
            _out.WriteLine($"frame {r.Frame,5}  t={r.GameTime.TotalSeconds,6:0.000}s  drain {r.DrainTime.TotalMilliseconds,6:0.000} ms  " +
                           $"steps {r.Drain.Steps,4}  longest step {r.LongestStep?.TotalMilliseconds ?? 0,6:0.000} ms  " +
                           $"budget {Budget.TotalMilliseconds:0} ms {(budgetHeld ? "held" : "EXCEEDED")}  " +
                           $"entities {_entities,4}  events {_eventsHandled,4}");
        }
        _out.WriteLine($"summary: {frames} frames, budget held in {held}/{frames}, worst drain {worstDrain.TotalMilliseconds:0.000} ms, " +
                       $"{_entities} entities alive, {_projectilesSpawned} projectiles spawned, {_eventsHandled} events handled");
    }

    private void Spawn(Scheduler s)
    {
        for (int i = 0; i < 300; i++)
        {
            float speed = 1 + (float)_random.NextDouble();
            s.SpawnBackground(() => Mover(speed), "mover");
        }
        for (int i = 0; i < 40; i++)
        {
            TimeSpan period = TimeSpan.FromMilliseconds(500 + _random.Next(1500));
            int id = i;
            s.SpawnBackground(() => Timer(id, period), "timer");
        }
        s.SpawnBackground(Spawner, "spawner");
        s.SpawnBackground(EventConsumer, "event consumer");
    }

    /// <summary>Moves one step per frame, scaled by the frame's game time.</summary>
    private async CoTask Mover(float speed)
    {
        _entities++;
        float x = 0, dir = 1;
        while (true)
        {
            x += dir * speed * (float)FixedDelta.TotalSeconds;
            if (x is > 10 or < 0) dir = -dir;
            await Co.NextFrame();
        }
    }

    /// <summary>Fires a game event every <paramref name="period"/> of game time.</summary>
    private async CoTask Timer(int id, TimeSpan period)
    {
        _entities++;
        while (true)
        {
            await Co.Sleep(period);
            await _events.Put($"timer {id} fired");
        }
    }

    /// <summary>Every second of game time, spawns a projectile that lives 30 frames.</summary>
    private async CoTask Spawner()
    {
        _entities++;
        while (true)
        {
            await Co.Sleep(TimeSpan.FromSeconds(1));
            _projectilesSpawned++;
            int n = _projectilesSpawned;
            _host.Scheduler.SpawnBackground(async () =>
            {
                _entities++;
                try
                {
                    await Co.DelayFrames(30);
                    await _events.Put($"projectile {n} expired");
                }
                finally { _entities--; }
            }, "projectile");
        }
    }

    private async CoTask EventConsumer()
    {
        _entities++;
        while (true)
        {
            await _events.Get();
            _eventsHandled++;
        }
    }
}
