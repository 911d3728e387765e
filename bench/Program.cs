using System;
using System.Collections.Generic;
using System.Globalization;
using BenchmarkDotNet.Running;

namespace CoSched.Bench;

/// <summary>
/// `dotnet run -c Release --project bench` prints the quick scenario table (the main job).
/// `-- --bdn [BenchmarkDotNet args, e.g. --filter *Pause*]` runs the BenchmarkDotNet suite instead.
/// `-- --quick-seconds W M` sets warm-up and measurement seconds per row (defaults 1.0 and 0.5: the whole table stays well under 90 s).
/// `-- --only TEXT` keeps the quick-table rows whose scenario or backend contains TEXT (e.g. for profiling one row).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--bdn")
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
            return 0;
        }
        double warmup = 1.0, measure = 0.5;
        string? only = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--quick-seconds" && i + 2 < args.Length)
            {
                warmup = double.Parse(args[++i], CultureInfo.InvariantCulture);
                measure = double.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--only" && i + 1 < args.Length)
            {
                only = args[++i];
            }
            else
            {
                Console.Error.WriteLine("usage: [--bdn [BenchmarkDotNet args]] | [--quick-seconds WARMUP MEASURE] [--only TEXT]");
                return 2;
            }
        }
        IReadOnlyList<Scenario> scenarios = ScenarioCatalog.All();
        IReadOnlyList<MemoryProbe> probes = ScenarioCatalog.Memory();
        if (only is not null)
        {
            scenarios = [.. FilterScenarios(scenarios, only)];
            probes = [.. FilterProbes(probes, only)];
        }
        return QuickTable.Run(scenarios, probes, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(measure));
    }

    private static IEnumerable<Scenario> FilterScenarios(IReadOnlyList<Scenario> all, string text)
    {
        foreach (Scenario s in all)
            if (Matches(s.Name, s.Backend, text)) yield return s;
    }

    private static IEnumerable<MemoryProbe> FilterProbes(IReadOnlyList<MemoryProbe> all, string text)
    {
        foreach (MemoryProbe p in all)
            if (Matches(p.Name, p.Backend, text)) yield return p;
    }

    private static bool Matches(string name, string backend, string text) =>
        name.Contains(text, StringComparison.OrdinalIgnoreCase) || backend.Contains(text, StringComparison.OrdinalIgnoreCase) ||
        $"{name} / {backend}".Contains(text, StringComparison.OrdinalIgnoreCase);
}
