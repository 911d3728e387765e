using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace CoSched.Bench;

/// <summary>
/// The main job: every scenario x backend with a Stopwatch (see <see cref="GroupMeasurer"/>: warm-up by time, then
/// slices interleaved across the rows of a scenario), printed as one table with ns/op, B/op, the ratio to the .NET
/// baseline of the same scenario and the issue's target; then the scale memory probes. By default each scenario group
/// and each probe runs in a fresh process (<see cref="ChildRun"/>), so no row inherits JIT profile data or pools from
/// the rows before it.
/// </summary>
internal static class QuickTable
{
    private const string RowFormat = "| {0,-26} | {1,-34} | {2,10} | {3,10} | {4,8} | {5,9} | {6,-22} |";
    private const string MemoryFormat = "| {0,-26} | {1,-34} | {2,10} | {3,9} | {4,-17} | {5,-44} |";

    /// <summary>Waiters parked by each memory probe (the issue's 10^6).</summary>
    internal const int ParkedCount = 1_000_000;

    /// <param name="scenarios">The whole catalog.</param>
    /// <param name="rows">Catalog indices of the rows to run, in order.</param>
    /// <param name="probes">Every memory probe.</param>
    /// <param name="probeRows">Indices of the probes to run.</param>
    /// <param name="warmup">Warm-up time per row.</param>
    /// <param name="measure">Measurement time per row.</param>
    /// <param name="isolate">Run each scenario group and each probe in its own process.</param>
    internal static int Run(IReadOnlyList<Scenario> scenarios, IReadOnlyList<int> rows, IReadOnlyList<MemoryProbe> probes,
                            IReadOnlyList<int> probeRows, TimeSpan warmup, TimeSpan measure, bool isolate)
    {
        var results = new List<(Scenario S, RowResult R)>();
        var total = Stopwatch.StartNew();
        int steps = rows.Count + probeRows.Count;
        for (int first = 0; first < rows.Count;)
        {
            // A group: the consecutive rows of one scenario (the baseline and every backend), compared with each other.
            int end = first + 1;
            while (end < rows.Count && scenarios[rows[end]].Name == scenarios[rows[first]].Name) end++;
            var group = new List<int>();
            for (int i = first; i < end; i++) group.Add(rows[i]);
            List<RowResult> measured = isolate
                ? ChildRun.MeasureGroup(group, warmup, measure, first + 1, steps)
                : GroupMeasurer.Measure(scenarios, group, warmup, measure, first + 1, steps);
            foreach (RowResult r in measured) results.Add((scenarios[r.Index], r));
            Console.Error.WriteLine($"    ({total.Elapsed.TotalSeconds:F0} s)");
            first = end;
        }

        var memory = new List<(MemoryProbe P, MemoryResult R)>();
        for (int i = 0; i < probeRows.Count; i++)
        {
            MemoryProbe p = probes[probeRows[i]];
            int step = rows.Count + i + 1;
            MemoryResult r;
            if (isolate) r = ChildRun.MeasureProbe(probeRows[i], step, steps);
            else
            {
                Console.Error.Write($"[{step}/{steps}] {p.Name} / {p.Backend} ... ");
                r = p.Measure(ParkedCount);
                Console.Error.WriteLine($"{r.BytesPerWaiter:F1} B/waiter");
            }
            memory.Add((p, r));
            Console.Error.WriteLine($"    ({total.Elapsed.TotalSeconds:F0} s)");
        }

        PrintScenarios(results, warmup, measure, isolate);
        PrintMemory(memory);
        Console.WriteLine();
        Console.WriteLine($"total {total.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    private static void PrintScenarios(List<(Scenario S, RowResult R)> rows, TimeSpan warmup, TimeSpan measure, bool isolate)
    {
        Console.WriteLine();
        Console.WriteLine($"CoSched scenario table — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
                          $".NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Console.WriteLine($"Stopwatch, {warmup.TotalSeconds:F1} s warm-up per row (>= {2 * warmup.TotalSeconds:F1} s per scenario) + {measure.TotalSeconds:F1} s per row, both in passes interleaved " +
                          $"with the other rows of the scenario{(isolate ? ", one process per scenario" : ", all in one process")}. ns/op = the median run " +
                          "(robust to other processes on a shared machine); mean = total time / operations, GC pauses included");
        Console.WriteLine("(a mean far above the median: the row was disturbed, or it allocates and pays for GCs). B/op = mean allocated.");
        Console.WriteLine("ratio = baseline ns/op / row ns/op (higher is faster); target = the issue's ns/op, met only with < 0.5 B/op.");
        Console.WriteLine();
        Console.WriteLine(Format(RowFormat, "scenario", "backend", "ns/op", "mean ns/op", "B/op", "ratio", "target"));
        Console.WriteLine("|" + new string('-', 28) + "|" + new string('-', 36) + "|" + new string('-', 11) + ":|" + new string('-', 11) + ":|" +
                          new string('-', 9) + ":|" + new string('-', 10) + ":|" + new string('-', 24) + "|");
        foreach (var group in rows.GroupBy(r => r.S.Name))
        {
            double? baseline = group.Where(r => r.S.IsBaseline).Select(r => (double?)r.R.MedianNs).FirstOrDefault();
            foreach (var r in group)
            {
                string ratio = r.S.IsBaseline ? "baseline" : baseline is { } b ? $"{b / r.R.MedianNs:F1}x" : "-";
                string target = "";
                if (r.S.TargetNs is { } t)
                    target = $"<= {t:0} ns: {(r.R.MedianNs <= t && r.R.BytesPerOp < 0.5 ? "met" : "NOT met")}";
                else if (r.S.TargetRelative is { } rel &&
                         group.Where(o => o.S.Backend == rel.Backend).Select(o => (double?)o.R.MedianNs).FirstOrDefault() is { } other)
                    target = $"<= {rel.MaxFactor:0.0#}x ({r.R.MedianNs / other:F2}x): {(r.R.MedianNs <= rel.MaxFactor * other ? "met" : "NOT met")}";
                Console.WriteLine(Format(RowFormat, r.S.Name, r.S.Backend, Number(r.R.MedianNs), Number(r.R.MeanNs), Number(r.R.BytesPerOp), ratio, target));
            }
        }
        PrintFloorMultiples(rows);
    }

    /// <summary>
    /// Each CoSched row of a scenario that has a featureless-floor row, as a multiple of the floor measured in the same
    /// process (10th-percentile runs: the rows of a group are measured in interleaved slices, and outside load only adds
    /// time): what CoSched's promises cost on this machine. The issue's target is carried over the same way, as a
    /// multiple of the floor figure shared/BASELINES.md measured on the machine the targets were set on (pause: 10 ns
    /// against 5.5 ns, 1.8x), with the ns that multiple gives on this machine's floor. bench/Floor follows the
    /// description of that prototype, not its code: the carried figures are a reading, not the issue's criterion.
    /// </summary>
    private static void PrintFloorMultiples(List<(Scenario S, RowResult R)> rows)
    {
        bool header = false;
        foreach (var group in rows.GroupBy(r => r.S.Name))
        {
            if (group.FirstOrDefault(r => r.S.IsFloor) is not { S: not null } floorRow) continue;
            if (!header)
            {
                Console.WriteLine();
                Console.WriteLine("Against the featureless floor (bench/Floor: no cancellation, thread checks, AsyncLocal flow, wait tracking or " +
                                  "results), 10th-percentile runs of the same process:");
                header = true;
            }
            double floor = floorRow.R.P10Ns;
            var parts = group.Where(r => !r.S.IsFloor && !r.S.IsBaseline).Select(r => $"{r.S.Backend} {r.R.P10Ns / floor:F2}x");
            string carried = "";
            double? target = group.Select(r => r.S.TargetNs).FirstOrDefault(t => t is not null);
            if (target is { } t && floorRow.S.PublishedFloorNs is { } published)
                carried = $"; the target {t:0} ns is {t / published:F2}x the floor of shared/BASELINES.md ({published:0.#} ns): " +
                          $"{t / published * floor:F1} ns on this floor";
            Console.WriteLine($"  {group.Key}: floor {Number(floor)} ns; {string.Join(", ", parts)}{carried}.");
        }
    }

    private static void PrintMemory(List<(MemoryProbe P, MemoryResult R)> memory)
    {
        if (memory.Count == 0) return;
        Console.WriteLine();
        Console.WriteLine($"Scale: retained bytes per waiter with {ParkedCount:N0} parked (GC.GetTotalMemory(true) before/after); " +
                          "ratio = baseline bytes / row bytes.");
        Console.WriteLine();
        Console.WriteLine(Format(MemoryFormat, "scenario", "backend", "B/waiter", "ratio", "target", "split"));
        Console.WriteLine("|" + new string('-', 28) + "|" + new string('-', 36) + "|" + new string('-', 11) + ":|" +
                          new string('-', 10) + ":|" + new string('-', 19) + "|" + new string('-', 46) + "|");
        foreach (var group in memory.GroupBy(m => m.P.Name))
        {
            double? baseline = group.Where(m => m.P.IsBaseline).Select(m => (double?)m.R.BytesPerWaiter).FirstOrDefault();
            foreach (var m in group)
            {
                double bytes = m.R.BytesPerWaiter;
                string ratio = m.P.IsBaseline ? "baseline" : baseline is { } b ? $"{b / bytes:F1}x" : "-";
                string target = m.P.TargetBytes is { } t ? $"<= {t:0} B: {(bytes <= t ? "met" : "NOT met")}" : "";
                Console.WriteLine(Format(MemoryFormat, m.P.Name, m.P.Backend, Number(bytes), ratio, target, m.R.Detail));
            }
        }
    }

    private static string Format(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

    private static string Number(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
}
