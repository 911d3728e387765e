using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace CoSched.Bench;

/// <summary>
/// Measures the rows of one scenario (the baseline and every backend) together: the rows are warmed up by time (JIT
/// tiering makes short warm-ups read 3-10x slow) in passes interleaved across them, then the measurement time is cut
/// into slices interleaved the same way, so a burst of load from another process on this shared machine hits the
/// baseline and the CoSched rows alike.
/// </summary>
internal static class GroupMeasurer
{
    /// <summary>Each row's measurement time is split into this many slices, interleaved with the other rows of its group.</summary>
    internal const int Slices = 5;

    /// <summary>Warm-up passes over the rows of a scenario (see <see cref="Measure"/>).</summary>
    private const int WarmupPasses = 5;

    /// <summary>A slice that allocated more than this is followed by a full collection.</summary>
    private const long CollectAfterBytes = 64 * 1024;

    /// <param name="scenarios">The whole catalog.</param>
    /// <param name="rows">Catalog indices of the group's rows.</param>
    /// <param name="warmup">Warm-up time per row (raised so that the scenario's rows get at least twice that together).</param>
    /// <param name="measure">Measurement time per row (all slices together).</param>
    /// <param name="firstStep">Progress number of the group's first row.</param>
    /// <param name="steps">Progress total.</param>
    internal static List<RowResult> Measure(IReadOnlyList<Scenario> scenarios, IReadOnlyList<int> rows, TimeSpan warmup,
                                            TimeSpan measure, int firstStep, int steps)
    {
        var stats = new RowStats[rows.Count];
        for (int k = 0; k < rows.Count; k++)
        {
            Scenario s = scenarios[rows[k]];
            Console.Error.WriteLine($"[{firstStep + k}/{steps}] {s.Name} / {s.Backend}: warm-up");
            s.Setup();
            stats[k] = new RowStats();
        }
        // Warm-up in passes interleaved across the rows, like the measurement: each row gets `warmup`, and the scenario
        // at least twice that in all (1 s with the default 0.5 s: JIT tiering needs wall time as well as calls, it
        // compiles in the background after a delay). Interleaving lets each row's tier-up proceed while the others run.
        TimeSpan perRow = TimeSpan.FromTicks(Math.Max(warmup.Ticks, 2 * warmup.Ticks / rows.Count));
        for (int pass = 0; pass < WarmupPasses; pass++)
        {
            for (int k = 0; k < rows.Count; k++) RunFor(scenarios[rows[k]], perRow / WarmupPasses);
        }
        // A full collection after the warm-ups and after any slice that allocated leaves no row paying for the garbage
        // of the row before it. The non-allocating rows skip it: with a million pooled records alive, a full
        // collection costs a good part of a second.
        long sliceTicks = (long)(measure.TotalSeconds * Stopwatch.Frequency / Slices);
        long previousSliceBytes = long.MaxValue;
        for (int slice = 0; slice < Slices; slice++)
        {
            for (int k = 0; k < rows.Count; k++)
            {
                if (previousSliceBytes > CollectAfterBytes)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
                long before = stats[k].Bytes;
                MeasureSlice(scenarios[rows[k]], sliceTicks, stats[k]);
                previousSliceBytes = stats[k].Bytes - before;
            }
        }
        var results = new List<RowResult>(rows.Count);
        for (int k = 0; k < rows.Count; k++)
        {
            Scenario s = scenarios[rows[k]];
            RowStats st = stats[k];
            double ops = (double)st.Runs * s.Operations;
            double mean = st.Elapsed * 1e9 / Stopwatch.Frequency / ops;
            Span<long> runs = st.Ticks.AsSpan(0, st.Stored);
            double median = Median(runs) * 1e9 / Stopwatch.Frequency / s.Operations; // sorts the runs
            double p10 = runs[runs.Length / 10] * 1e9 / Stopwatch.Frequency / s.Operations;
            results.Add(new RowResult(rows[k], median, mean, st.Bytes / ops, st.Runs, p10));
            Console.Error.WriteLine($"    {s.Name} / {s.Backend}: {median:F1} ns/{s.Unit} median, {mean:F1} mean, {st.Runs} runs");
        }
        return results;
    }

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

    private static void RunFor(Scenario s, TimeSpan time)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(time.TotalSeconds * Stopwatch.Frequency);
        do s.Run(); while (Stopwatch.GetTimestamp() < deadline);
    }

    private static double Median(Span<long> values)
    {
        values.Sort();
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2.0;
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
}
