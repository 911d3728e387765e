using System;
using System.Collections.Generic;
using System.Globalization;
using BenchmarkDotNet.Running;

namespace CoSched.Bench;

/// <summary>
/// `dotnet run -c Release --project bench` prints the quick scenario table (the main job).
/// `-- --bdn [BenchmarkDotNet args, e.g. --filter *Pause* --job short]` runs the BenchmarkDotNet suite instead.
/// `-- --quick-seconds W M` sets warm-up and measurement seconds per row (defaults 0.5 and 0.5; a scenario's rows are
/// warmed up in interleaved passes and get at least twice W together, 1 s by default; the whole table stays under 90 s). `-- --only TEXT` keeps the rows whose scenario or backend contains TEXT. `-- --in-process` runs
/// every row in this process instead of one child process per scenario (for a profiler; later rows then inherit the
/// JIT's profile of earlier ones). `-- --compare TEXT ROUNDS DIR...` measures the matching rows of several builds of the
/// bench side by side in one process (see <see cref="BuildComparison"/>).
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
        if (args.Length >= 4 && args[0] == BuildComparison.Option)
            return BuildComparison.Run(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3..]);
        IReadOnlyList<Scenario> scenarios = ScenarioCatalog.All();
        IReadOnlyList<MemoryProbe> probes = ScenarioCatalog.Memory();
        if (args.Length > 0 && args[0] == ChildRun.RowsOption) return ChildRun.RunRows(args, scenarios);
        if (args.Length > 0 && args[0] == ChildRun.ProbeOption) return ChildRun.RunProbe(args, probes);

        double warmup = 0.5, measure = 0.5;
        string? only = null;
        bool isolate = true;
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
            else if (args[i] == "--in-process")
            {
                isolate = false;
            }
            else
            {
                Console.Error.WriteLine("usage: [--bdn [BenchmarkDotNet args]] | [--quick-seconds WARMUP MEASURE] [--only TEXT] [--in-process] | " +
                                        "--compare TEXT ROUNDS BUILD_DIR...");
                return 2;
            }
        }
        var rows = new List<int>();
        for (int i = 0; i < scenarios.Count; i++)
            if (only is null || Matches(scenarios[i].Name, scenarios[i].Backend, only)) rows.Add(i);
        var probeRows = new List<int>();
        for (int i = 0; i < probes.Count; i++)
            if (only is null || Matches(probes[i].Name, probes[i].Backend, only)) probeRows.Add(i);
        return QuickTable.Run(scenarios, rows, probes, probeRows, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(measure), isolate);
    }

    private static bool Matches(string name, string backend, string text) =>
        name.Contains(text, StringComparison.OrdinalIgnoreCase) || backend.Contains(text, StringComparison.OrdinalIgnoreCase) ||
        $"{name} / {backend}".Contains(text, StringComparison.OrdinalIgnoreCase);
}
