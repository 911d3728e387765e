using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace CoSched.Bench;

/// <summary>
/// The main job: every scenario x backend with a Stopwatch, warmed up by time (JIT tiering makes short warm-ups read
/// 3-10x slow), printed as one table with ns/op, B/op and the ratio to the .NET baseline of the same scenario.
/// </summary>
internal static class QuickTable
{
    internal static int Run(IReadOnlyList<Scenario> scenarios, TimeSpan warmup, TimeSpan measure)
    {
        var rows = new List<(Scenario S, double Ns, double Bytes)>();
        var total = Stopwatch.StartNew();
        for (int i = 0; i < scenarios.Count; i++)
        {
            Scenario s = scenarios[i];
            Console.Error.Write($"[{i + 1}/{scenarios.Count}] {s.Name} / {s.Backend} ... ");
            s.Setup();
            RunFor(s, warmup);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long runs = 0;
            long bytes0 = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            long deadline = t0 + (long)(measure.TotalSeconds * Stopwatch.Frequency);
            long now;
            do
            {
                s.Run();
                runs++;
                now = Stopwatch.GetTimestamp();
            } while (now < deadline);
            long bytes = GC.GetAllocatedBytesForCurrentThread() - bytes0;
            double ops = (double)runs * s.Operations;
            double ns = (now - t0) * 1e9 / Stopwatch.Frequency / ops;
            rows.Add((s, ns, bytes / ops));
            Console.Error.WriteLine($"{ns:F1} ns/{s.Unit}");
        }

        Console.WriteLine();
        Console.WriteLine($"CoSched scenario table — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
                          $".NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Console.WriteLine($"Stopwatch, {warmup.TotalSeconds:F1} s warm-up + {measure.TotalSeconds:F1} s per row; ratio = baseline ns / row ns (higher is faster).");
        Console.WriteLine();
        const string fmt = "| {0,-18} | {1,-24} | {2,10} | {3,8} | {4,9} |";
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, fmt, "scenario", "backend", "ns/op", "B/op", "ratio"));
        Console.WriteLine("|" + new string('-', 20) + "|" + new string('-', 26) + "|" + new string('-', 12) + "|" + new string('-', 10) + "|" + new string('-', 11) + "|");
        foreach (var group in rows.GroupBy(r => r.S.Name))
        {
            double? baseline = group.Where(r => r.S.IsBaseline).Select(r => (double?)r.Ns).FirstOrDefault();
            foreach (var r in group)
            {
                string ratio = r.S.IsBaseline ? "baseline" : baseline is { } b ? $"{b / r.Ns:F1}x" : "-";
                Console.WriteLine(string.Format(CultureInfo.InvariantCulture, fmt, r.S.Name, r.S.Backend,
                    r.Ns.ToString("F1", CultureInfo.InvariantCulture), r.Bytes.ToString("F1", CultureInfo.InvariantCulture), ratio));
            }
        }
        Console.WriteLine();
        Console.WriteLine($"total {total.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    private static void RunFor(Scenario s, TimeSpan time)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(time.TotalSeconds * Stopwatch.Frequency);
        do s.Run(); while (Stopwatch.GetTimestamp() < deadline);
    }
}
