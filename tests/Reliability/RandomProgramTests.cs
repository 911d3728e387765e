using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace CoSched.Tests.Reliability;

/// <summary>
/// Randomized whole-system runs: seeded random programs (nested task groups, noWait/allowFailure children, cancels,
/// pauses, queues of every kind, a semaphore, a condition, defers, thrown errors, shields), each run by
/// <see cref="RandomProgramRun"/> on its own scheduler and checked against the invariants listed there. A failure
/// prints its seed and the program shrunk to a minimal failing one. Reproduce one program with
/// <c>COSCHED_RANDOM_SEED=&lt;seed&gt; dotnet test -c Release tests --filter RandomProgramTests</c>.
/// </summary>
public class RandomProgramTests(ITestOutputHelper output)
{
    /// <summary>CI runs seeds [BaseSeed, BaseSeed + CiPrograms).</summary>
    private const int BaseSeed = 20_000;
    private const int CiPrograms = 20_000;

    [Fact]
    public void Random_programs_keep_every_invariant()
    {
        string? single = Environment.GetEnvironmentVariable("COSCHED_RANDOM_SEED");
        if (single is not null)
        {
            int seed = int.Parse(single, CultureInfo.InvariantCulture);
            output.WriteLine(RandomProgramGenerator.Generate(seed).ToString());
            RunPrograms(seed, 1);
            return;
        }
        Totals t = RunPrograms(BaseSeed, CiPrograms);
        // The generator must produce the situations the invariants are about, or the run proves little.
        Assert.True(t.Deadlocked > CiPrograms / 20, $"only {t.Deadlocked} programs deadlocked");
        Assert.True(t.RootCancelled > CiPrograms / 20 && t.RootCancelled < t.Deadlocked, $"{t.RootCancelled} root cancels");
        Assert.True(t.Completed > CiPrograms / 5, $"only {t.Completed} programs completed without help");
        Assert.True(t.GroupsFailed > CiPrograms / 5, $"only {t.GroupsFailed} groups failed");
        Assert.True(t.TimeoutsFired > CiPrograms / 20, $"only {t.TimeoutsFired} timeouts fired");
        Assert.True(t.StrayCallsUnwound > CiPrograms / 20, $"only {t.StrayCallsUnwound} calls without await were unwound");
        Assert.True(t.ForeignWaits > CiPrograms / 5, $"only {t.ForeignWaits} foreign awaits suspended");
        Assert.True(t.TimerWaits > CiPrograms / 40, $"only {t.TimerWaits} timer waits released");
        Assert.True(t.LazyWaits > CiPrograms / 5, $"only {t.LazyWaits} lazy values got");
        Assert.True(t.LazyRestarts > CiPrograms / 1000, $"only {t.LazyRestarts} lazy initializers restarted");
        Assert.True(t.ForeignTokenCancels > CiPrograms / 100, $"only {t.ForeignTokenCancels} foreign operations cancelled by a token");
        Assert.True(t.AwaitsRefused > CiPrograms / 50, $"only {t.AwaitsRefused} awaits were refused after a call without await");
    }

    [SoakFact]
    public void Soak_random_programs()
    {
        int count = int.Parse(Environment.GetEnvironmentVariable(SoakFactAttribute.Variable)!, CultureInfo.InvariantCulture);
        string? seedText = Environment.GetEnvironmentVariable("COSCHED_SOAK_SEED");
        // A fresh range per soak run explores new programs; the seed of any failure is printed.
        int baseSeed = seedText is null ? Random.Shared.Next(1_000_000, int.MaxValue / 2) : int.Parse(seedText, CultureInfo.InvariantCulture);
        output.WriteLine($"soak: {count} programs from seed {baseSeed}");
        RunPrograms(baseSeed, count);
    }

    [Fact]
    public void The_generator_is_deterministic_and_uses_every_operation()
    {
        Assert.Equal(RandomProgramGenerator.Generate(7).ToString(), RandomProgramGenerator.Generate(7).ToString());
        Assert.NotEqual(RandomProgramGenerator.Generate(7).ToString(), RandomProgramGenerator.Generate(8).ToString());
        var kinds = new HashSet<string>();
        for (int seed = 0; seed < 200; seed++)
        {
            RandomProgram p = RandomProgramGenerator.Generate(seed);
            Collect(p.Root, kinds);
            foreach (HostStep h in p.Host) if (h.Action is { } a) kinds.Add("host " + a.GetType().Name);
        }
        string[] expected =
        {
            nameof(PauseOp), nameof(SpawnOp), nameof(GroupOp), nameof(CancelOp), nameof(PutOp), nameof(TryPutOp),
            nameof(GetOp), nameof(TryGetOp), nameof(CloseOp), nameof(AcquireOp), nameof(TryAcquireOp), nameof(ReleaseOp),
            nameof(WaitOp), nameof(SignalOp), nameof(DeferOp), nameof(ThrowOp), nameof(CatchOp), nameof(ShieldOp),
            nameof(SleepOp), nameof(TimeoutOp), nameof(ForeignAwaitOp), nameof(CompleteForeignOp), nameof(LazyWaitOp),
            nameof(TimerWaitOp), nameof(TimerResetOp), nameof(TimerCancelOp), "host " + nameof(TimerResetOp),
            "host " + nameof(CancelOp), "host " + nameof(CompleteForeignOp), "host " + nameof(SignalOp), "host " + nameof(CloseOp), "host " + nameof(AdvanceOp),
        };
        Assert.All(expected, k => Assert.Contains(k, kinds));

        static void Collect(Op[] ops, HashSet<string> kinds)
        {
            foreach (Op op in ops)
            {
                kinds.Add(op.GetType().Name);
                if (op.Children is { } body) Collect(body, kinds);
            }
        }
    }

    [Fact]
    public void The_shrinker_reduces_a_failing_program_to_the_operations_that_matter()
    {
        // A planted "bug": any program whose group c-something throws inside a nested group fails.
        static bool Fails(RandomProgram p) => p.Root.Any(op => op is GroupOp g && g.Body.Any(x => x is ThrowOp));
        int seed = Enumerable.Range(0, 5000).First(s => Fails(RandomProgramGenerator.Generate(s)) &&
                                                        RandomProgramGenerator.Generate(s).Size > 10);
        RandomProgram big = RandomProgramGenerator.Generate(seed);
        RandomProgram small = RandomProgramShrinker.Shrink(big, Fails);
        Assert.True(Fails(small));
        Assert.Equal(2, small.Size); // the group and the throw inside it
        Assert.Empty(small.Host);
    }

    [Fact]
    public void The_checker_reports_a_violated_invariant()
    {
        // The interpreter must be able to fail: a group whose model is fed a wrong event disagrees with the real outcome.
        var opener = new CoroutineInfo(0);
        var model = new GroupOutcomeModel(1, opener);
        model.ChildSpawned(noWait: false);
        var error = new ProgramError(3);
        model.ChildEnded(noWait: false, allowFailure: false, error, cancelled: false);
        Assert.Null(model.Check(error));
        Assert.NotNull(model.Check(null));
        Assert.NotNull(model.Check(new ProgramError(3)));
        var allowed = new GroupOutcomeModel(2, opener);
        allowed.ChildSpawned(noWait: false);
        allowed.ChildEnded(noWait: false, allowFailure: true, error, cancelled: false);
        Assert.Null(allowed.Check(null));
    }

    private sealed class Totals
    {
        public int Programs, Completed, Deadlocked, RootCancelled, GroupsFailed, Coroutines, Rescues, Sleeps, TimeoutsFired, StrayCallsUnwound, AwaitsRefused, ForeignWaits, ForeignTokenCancels, LazyWaits, LazyRestarts, TimerWaits;
        public long Operations, Steps;
    }

    private Totals RunPrograms(int baseSeed, int count)
    {
        var t = new Totals();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            int seed = baseSeed + i;
            RandomProgram p = RandomProgramGenerator.Generate(seed);
            List<string> violations = RandomProgramRun.Execute(p, out RandomProgramRun.Stats s);
            if (violations.Count > 0) Report(p, violations);
            t.Programs++;
            if (s.Deadlocked) t.Deadlocked++; else t.Completed++;
            if (s.RootCancelled) t.RootCancelled++;
            t.Rescues += s.Rescues;
            t.Sleeps += s.Sleeps;
            t.TimeoutsFired += s.TimeoutsFired;
            t.StrayCallsUnwound += s.StrayCallsUnwound;
            t.AwaitsRefused += s.AwaitsRefused;
            t.ForeignWaits += s.ForeignWaits;
            t.ForeignTokenCancels += s.ForeignTokenCancels;
            t.LazyWaits += s.LazyWaits;
            t.LazyRestarts += s.LazyRestarts;
            t.TimerWaits += s.TimerWaits;
            t.GroupsFailed += s.GroupsFailed;
            t.Coroutines += s.Coroutines;
            t.Operations += s.Operations;
            t.Steps += s.Steps;
        }
        output.WriteLine($"{t.Programs} programs (seeds {baseSeed}..{baseSeed + count - 1}) in {sw.Elapsed.TotalSeconds:F1} s: " +
                         $"{t.Completed} completed, {t.Deadlocked} reached a deadlock verdict ({t.Rescues} host rescues; " +
                         $"{t.RootCancelled} ended by cancelling the root), " +
                         $"{t.Coroutines} coroutines, {t.Operations} operations, {t.Steps} steps, {t.GroupsFailed} groups failed, " +
                         $"{t.Sleeps} sleeps, {t.TimeoutsFired} timeouts fired, {t.StrayCallsUnwound} calls without await unwound, " +
                         $"{t.AwaitsRefused} awaits refused meanwhile, {t.ForeignWaits} foreign awaits suspended, " +
                         $"{t.ForeignTokenCancels} foreign operations cancelled through Co.CancellationToken, " +
                         $"{t.LazyWaits} lazy values got ({t.LazyRestarts} initializers restarted after an abandon), " +
                         $"{t.TimerWaits} timer waits released");
        return t;
    }

    private static void Report(RandomProgram p, List<string> violations)
    {
        RandomProgram small = RandomProgramShrinker.Shrink(p, c => RandomProgramRun.Execute(c, out _).Count > 0);
        List<string> smallViolations = RandomProgramRun.Execute(small, out _);
        var sb = new StringBuilder();
        sb.AppendLine($"Random program with seed {p.Seed} broke an invariant (reproduce: COSCHED_RANDOM_SEED={p.Seed}).");
        sb.AppendLine("Violations:");
        foreach (string v in violations.Take(10)) sb.Append("  ").AppendLine(v);
        sb.AppendLine($"Shrunk from {p.Size} to {small.Size} operations; the minimal program:");
        sb.AppendLine(small.ToString());
        sb.AppendLine("which violates:");
        foreach (string v in smallViolations.Take(10)) sb.Append("  ").AppendLine(v);
        throw new XunitException(sb.ToString());
    }
}
