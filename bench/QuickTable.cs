using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace CoSched.Bench;

/// <summary>
/// The main job: every scenario x backend with a Stopwatch, warmed up by time (JIT tiering makes short warm-ups read
/// 3-10x slow), printed as one table with ns/op, B/op, the ratio to the .NET baseline of the same scenario and the
/// issue's target; then the scale memory probes. The rows of one scenario are measured in interleaved slices, so a
/// neighbour process on this shared machine disturbs the baseline and the CoSched rows alike.
/// </summary>
internal static class QuickTable
{
    private const string RowFormat = "| {0,-26} | {1,-30} | {2,10} | {3,10} | {4,8} | {5,9} | {6,-22} |";
    private const string MemoryFormat = "| {0,-26} | {1,-30} | {2,10} | {3,9} | {4,-17} | {5,-44} |";

    /// <summary>Each row's measurement time is split into this many slices, interleaved with the other rows of its group.</summary>
    private const int Slices = 5;

    /// <summary>A slice that allocated more than this is followed by a full collection.</summary>
    private const long CollectAfterBytes = 64 * 1024;

    /// <summary>Waiters parked by each memory probe (the issue's 10^6).</summary>
    internal const int ParkedCount = 1_000_000;

    internal static int Run(IReadOnlyList<Scenario> scenarios, IReadOnlyList<MemoryProbe> probes, TimeSpan warmup, TimeSpan measure)
    {
        var rows = new List<(Scenario S, double Ns, double MedianNs, double Bytes)>();
        var total = Stopwatch.StartNew();
        int steps = scenarios.Count + probes.Count;
        long sliceTicks = (long)(measure.TotalSeconds * Stopwatch.Frequency / Slices);
        for (int first = 0; first < scenarios.Count;)
        {
            // A group: the consecutive rows of one scenario (the baseline and every backend), compared with each other.
            int end = first + 1;
            while (end < scenarios.Count && scenarios[end].Name == scenarios[first].Name) end++;
            var stats = new RowStats[end - first];
            for (int k = 0; k < stats.Length; k++)
            {
                Scenario s = scenarios[first + k];
                Console.Error.WriteLine($"[{first + k + 1}/{steps}] {s.Name} / {s.Backend}: warm-up");
                s.Setup();
                RunFor(s, warmup);
                stats[k] = new RowStats();
            }
            // Interleaved slices: a burst of load from another process hits every row of the group alike, so the
            // ratios stay fair on a shared machine. A full collection after the warm-ups and after any slice that
            // allocated leaves no row paying for the garbage of the row before it (the non-allocating rows skip it:
            // with a million pooled records alive, a full collection costs a good part of a second).
            long previousSliceBytes = long.MaxValue;
            for (int slice = 0; slice < Slices; slice++)
            {
                for (int k = 0; k < stats.Length; k++)
                {
                    if (previousSliceBytes > CollectAfterBytes)
                    {
                        GC.Collect();
                        GC.WaitForPendingFinalizers();
                    }
                    long before = stats[k].Bytes;
                    MeasureSlice(scenarios[first + k], sliceTicks, stats[k]);
                    previousSliceBytes = stats[k].Bytes - before;
                }
            }
            for (int k = 0; k < stats.Length; k++)
            {
                Scenario s = scenarios[first + k];
                RowStats st = stats[k];
                double ops = (double)st.Runs * s.Operations;
                double mean = st.Elapsed * 1e9 / Stopwatch.Frequency / ops;
                double median = Median(st.Ticks.AsSpan(0, st.Stored)) * 1e9 / Stopwatch.Frequency / s.Operations;
                rows.Add((s, mean, median, st.Bytes / ops));
                Console.Error.WriteLine($"    {s.Name} / {s.Backend}: {median:F1} ns/{s.Unit} median, {mean:F1} mean, {st.Runs} runs ({total.Elapsed.TotalSeconds:F0} s)");
            }
            first = end;
        }

        var memory = new List<(MemoryProbe P, MemoryResult R)>();
        for (int i = 0; i < probes.Count; i++)
        {
            MemoryProbe p = probes[i];
            Console.Error.Write($"[{scenarios.Count + i + 1}/{steps}] {p.Name} / {p.Backend} ... ");
            MemoryResult r = p.Measure(ParkedCount);
            memory.Add((p, r));
            Console.Error.WriteLine($"{r.BytesPerWaiter:F1} B/waiter ({total.Elapsed.TotalSeconds:F0} s)");
        }

        PrintScenarios(rows, warmup, measure);
        PrintMemory(memory);
        Console.WriteLine();
        Console.WriteLine($"total {total.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    private static void PrintScenarios(List<(Scenario S, double Ns, double MedianNs, double Bytes)> rows, TimeSpan warmup, TimeSpan measure)
    {
        Console.WriteLine();
        Console.WriteLine($"CoSched scenario table — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
                          $".NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Console.WriteLine($"Stopwatch, {warmup.TotalSeconds:F1} s warm-up + {measure.TotalSeconds:F1} s per row in {Slices} slices interleaved " +
                          "with the other rows of the scenario. ns/op = the median run " +
                          "(robust to other processes on a shared machine); mean = total time / operations, GC pauses included");
        Console.WriteLine("(a mean far above the median: the row was disturbed, or it allocates and pays for GCs). B/op = mean allocated.");
        Console.WriteLine("ratio = baseline ns/op / row ns/op (higher is faster); target = the issue's ns/op, met only with < 0.5 B/op.");
        Console.WriteLine();
        Console.WriteLine(Format(RowFormat, "scenario", "backend", "ns/op", "mean ns/op", "B/op", "ratio", "target"));
        Console.WriteLine("|" + new string('-', 28) + "|" + new string('-', 32) + "|" + new string('-', 11) + ":|" + new string('-', 11) + ":|" +
                          new string('-', 9) + ":|" + new string('-', 10) + ":|" + new string('-', 24) + "|");
        foreach (var group in rows.GroupBy(r => r.S.Name))
        {
            double? baseline = group.Where(r => r.S.IsBaseline).Select(r => (double?)r.MedianNs).FirstOrDefault();
            foreach (var r in group)
            {
                string ratio = r.S.IsBaseline ? "baseline" : baseline is { } b ? $"{b / r.MedianNs:F1}x" : "-";
                string target = "";
                if (r.S.TargetNs is { } t)
                    target = $"<= {t:0} ns: {(r.MedianNs <= t && r.Bytes < 0.5 ? "met" : "NOT met")}";
                else if (r.S.TargetRelative is { } rel &&
                         group.Where(o => o.S.Backend == rel.Backend).Select(o => (double?)o.MedianNs).FirstOrDefault() is { } other)
                    target = $"<= {rel.MaxFactor:0.0#}x ({r.MedianNs / other:F2}x): {(r.MedianNs <= rel.MaxFactor * other ? "met" : "NOT met")}";
                Console.WriteLine(Format(RowFormat, r.S.Name, r.S.Backend, Number(r.MedianNs), Number(r.Ns), Number(r.Bytes), ratio, target));
            }
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
        Console.WriteLine("|" + new string('-', 28) + "|" + new string('-', 32) + "|" + new string('-', 11) + ":|" +
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

    /// <summary>Measures one slice of a row: runs until the slice's time is used (at least one run).</summary>
    private static void MeasureSlice(Scenario s, long sliceTicks, RowStats st)
    {
        long bytes0 = GC.GetAllocatedBytesForCurrentThread();
        long t0 = Stopwatch.GetTimestamp();
        long deadline = t0 + sliceTicks;
        long now, previous = t0;
        do
        {
            s.Run();
            now = Stopwatch.GetTimestamp();
            if (st.Stored < st.Ticks.Length) st.Ticks[st.Stored++] = now - previous;
            previous = now;
            st.Runs++;
        } while (now < deadline);
        st.Elapsed += now - t0;
        st.Bytes += GC.GetAllocatedBytesForCurrentThread() - bytes0;
    }

    /// <summary>What the slices of one row add up to. The per-run durations (for the median) are stored in an array
    /// allocated before the first slice, so no row's B/op sees it.</summary>
    private sealed class RowStats
    {
        internal readonly long[] Ticks = new long[1 << 17];
        internal int Stored;
        internal long Runs;
        internal long Elapsed;
        internal long Bytes;
    }

    private static double Median(Span<long> values)
    {
        values.Sort();
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2.0;
    }

    private static void RunFor(Scenario s, TimeSpan time)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(time.TotalSeconds * Stopwatch.Frequency);
        do s.Run(); while (Stopwatch.GetTimestamp() < deadline);
    }
}
