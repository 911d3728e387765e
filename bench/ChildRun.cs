using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;

namespace CoSched.Bench;

/// <summary>
/// Runs one group of the quick table (or one memory probe) in a fresh process of this program and reads its results
/// back. Isolation matters: tiered PGO specialises the scheduler's shared code for the first workloads it sees, so a
/// row measured after twenty other scenarios in the same process can read up to 2x slower than alone; and the memory
/// probes need pools nobody has filled yet. The child inherits stderr, so its progress lines show as it goes.
/// </summary>
internal static class ChildRun
{
    internal const string RowsOption = "--child-rows";
    internal const string ProbeOption = "--child-probe";
    private const string RowTag = "ROW";
    private const string ProbeTag = "PROBE";

    /// <summary>In the parent: measures the catalog rows <paramref name="rows"/> in a child process.</summary>
    internal static List<RowResult> MeasureGroup(IReadOnlyList<int> rows, TimeSpan warmup, TimeSpan measure, int firstStep, int steps)
    {
        var results = new List<RowResult>();
        string args = $"{RowsOption} {string.Join(',', rows)} {firstStep} {steps} {Seconds(warmup)} {Seconds(measure)}";
        foreach (string line in Run(args))
        {
            string[] f = line.Split('\t');
            if (f.Length == 7 && f[0] == RowTag)
                results.Add(new RowResult(int.Parse(f[1], CultureInfo.InvariantCulture), Parse(f[2]), Parse(f[3]), Parse(f[4]),
                                          long.Parse(f[5], CultureInfo.InvariantCulture), Parse(f[6])));
        }
        if (results.Count != rows.Count) throw new InvalidOperationException($"child process for rows {string.Join(',', rows)} returned {results.Count} results");
        return results;
    }

    /// <summary>In the parent: runs memory probe <paramref name="probe"/> in a child process.</summary>
    internal static MemoryResult MeasureProbe(int probe, int step, int steps)
    {
        foreach (string line in Run($"{ProbeOption} {probe} {step} {steps}"))
        {
            string[] f = line.Split('\t');
            if (f.Length == 3 && f[0] == ProbeTag) return new MemoryResult(Parse(f[1]), f[2]);
        }
        throw new InvalidOperationException($"child process for probe {probe} returned no result");
    }

    /// <summary>In the child: measures the rows given on the command line and prints them for the parent.</summary>
    internal static int RunRows(string[] args, IReadOnlyList<Scenario> scenarios)
    {
        var rows = new List<int>();
        foreach (string r in args[1].Split(',')) rows.Add(int.Parse(r, CultureInfo.InvariantCulture));
        int firstStep = int.Parse(args[2], CultureInfo.InvariantCulture), steps = int.Parse(args[3], CultureInfo.InvariantCulture);
        TimeSpan warmup = TimeSpan.FromSeconds(Parse(args[4])), measure = TimeSpan.FromSeconds(Parse(args[5]));
        foreach (RowResult r in GroupMeasurer.Measure(scenarios, rows, warmup, measure, firstStep, steps))
            Console.WriteLine(string.Join('\t', RowTag, r.Index.ToString(CultureInfo.InvariantCulture), Format(r.MedianNs),
                                          Format(r.MeanNs), Format(r.BytesPerOp), r.Runs.ToString(CultureInfo.InvariantCulture),
                                          Format(r.P10Ns)));
        return 0;
    }

    /// <summary>In the child: runs the memory probe given on the command line and prints its result for the parent.</summary>
    internal static int RunProbe(string[] args, IReadOnlyList<MemoryProbe> probes)
    {
        MemoryProbe p = probes[int.Parse(args[1], CultureInfo.InvariantCulture)];
        Console.Error.Write($"[{args[2]}/{args[3]}] {p.Name} / {p.Backend} ... ");
        MemoryResult r = p.Measure(QuickTable.ParkedCount);
        Console.Error.WriteLine($"{r.BytesPerWaiter:F1} B/waiter");
        Console.WriteLine(string.Join('\t', ProbeTag, Format(r.BytesPerWaiter), r.Detail));
        return 0;
    }

    private static List<string> Run(string arguments)
    {
        // Under `dotnet run` this program is its apphost; under `dotnet CoSched.Bench.dll` it is the dotnet muxer,
        // which needs the assembly path first.
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's executable");
        bool muxer = Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(host, muxer ? $"\"{typeof(ChildRun).Assembly.Location}\" {arguments}" : arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        using Process child = Process.Start(start) ?? throw new InvalidOperationException("could not start a child process");
        var lines = new List<string>();
        while (child.StandardOutput.ReadLine() is { } line) lines.Add(line);
        child.WaitForExit();
        if (child.ExitCode != 0) throw new InvalidOperationException($"child process `{arguments}` failed with exit code {child.ExitCode} (its error is above)");
        return lines;
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("R", CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}
