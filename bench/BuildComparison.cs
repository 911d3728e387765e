using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace CoSched.Bench;

/// <summary>
/// `-- --compare TEXT ROUNDS DIR...`: the rows matching TEXT measured in several builds of the bench (each DIR holds
/// one build's output, e.g. `dotnet build bench -c Release -o DIR` of a git worktree), all in this one process. Each
/// build is loaded into its own AssemblyLoadContext (its own CoSched, its own JIT profile) and the builds run in
/// interleaved 50 ms slices, so the bursts of outside load on a shared machine hit every build alike. For each slice
/// the 10th-percentile run is kept (outside load only ever adds time); the printed ratio is the median over the rounds
/// of each build's slice against the first build's slice of the same round (paired: drift cancels).
/// Two builds of the same commit read within about 3% of each other on the 2-core machine (docs/benchmarks.md).
/// </summary>
internal static class BuildComparison
{
    internal const string Option = "--compare";

    private sealed class BuildContext : AssemblyLoadContext
    {
        private readonly string _dir;

        internal BuildContext(string dir) : base(dir, isCollectible: false) => _dir = dir;

        protected override Assembly? Load(AssemblyName name)
        {
            string path = Path.Combine(_dir, name.Name + ".dll");
            return File.Exists(path) && name.Name?.StartsWith("System.", StringComparison.Ordinal) == false ? LoadFromAssemblyPath(path) : null;
        }
    }

    private sealed record Row(string Label, Action Run, int Operations);

    internal static int Run(string text, int rounds, IReadOnlyList<string> dirs)
    {
        var builds = dirs.Select(d => Rows(Path.GetFullPath(d), text)).ToList();
        int count = builds[0].Count;
        if (count == 0 || builds.Any(b => b.Count != count))
        {
            Console.Error.WriteLine($"rows matching '{text}': {string.Join(", ", builds.Select(b => b.Count))} (need the same, > 0, in every build)");
            return 2;
        }
        for (int r = 0; r < count; r++)
        {
            Row[] row = builds.Select(b => b[r]).ToArray();
            for (int pass = 0; pass < 6; pass++) foreach (Row x in row) Slice(x, 0.25, null);
            var ratios = row.Select(_ => new List<double>()).ToArray();
            var p10s = row.Select(_ => new List<double>()).ToArray();
            for (int round = 0; round < rounds; round++)
            {
                var p10 = new double[row.Length];
                for (int k = 0; k < row.Length; k++)
                {
                    var samples = new List<double>();
                    Slice(row[k], 0.05, samples);
                    samples.Sort();
                    p10[k] = samples[samples.Count / 10];
                    p10s[k].Add(p10[k]);
                }
                for (int k = 0; k < row.Length; k++) ratios[k].Add(p10[k] / p10[0]);
            }
            var line = new System.Text.StringBuilder($"{row[0].Label}:");
            for (int k = 0; k < row.Length; k++)
            {
                line.Append($"  [{k}] {Median(p10s[k]):F2} ns");
                if (k > 0) line.Append($" ({Median(ratios[k]):F3}x)");
            }
            Console.WriteLine(line);
        }
        return 0;
    }

    /// <summary>The matching rows of the build in <paramref name="dir"/>, set up, as delegates.</summary>
    private static List<Row> Rows(string dir, string text)
    {
        var context = new BuildContext(dir);
        Assembly bench = context.LoadFromAssemblyPath(Path.Combine(dir, "CoSched.Bench.dll"));
        Type catalog = bench.GetType("CoSched.Bench.ScenarioCatalog", throwOnError: true)!;
        var all = (IEnumerable)catalog.GetMethod("All", BindingFlags.Static | BindingFlags.NonPublic)!.Invoke(null, null)!;
        var rows = new List<Row>();
        foreach (object s in all)
        {
            Type t = s.GetType();
            string label = $"{t.GetProperty("Name")!.GetValue(s)} / {t.GetProperty("Backend")!.GetValue(s)}";
            if (!label.Contains(text, StringComparison.OrdinalIgnoreCase)) continue;
            t.GetMethod("Setup")!.Invoke(s, null);
            rows.Add(new Row(label, (Action)Delegate.CreateDelegate(typeof(Action), s, t.GetMethod("Run")!),
                             (int)t.GetProperty("Operations")!.GetValue(s)!));
        }
        return rows;
    }

    private static void Slice(Row row, double seconds, List<double>? samples)
    {
        long end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        do
        {
            long t0 = Stopwatch.GetTimestamp();
            row.Run();
            samples?.Add((Stopwatch.GetTimestamp() - t0) * 1e9 / Stopwatch.Frequency / row.Operations);
        } while (Stopwatch.GetTimestamp() < end);
    }

    private static double Median(List<double> values)
    {
        var a = values.ToArray();
        Array.Sort(a);
        return a[a.Length / 2];
    }
}
