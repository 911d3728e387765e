using System;
using BenchmarkDotNet.Running;

namespace CoSched.Bench;

/// <summary>
/// `dotnet run -c Release --project bench` prints the quick scenario table (the main job).
/// `-- --bdn [BenchmarkDotNet args, e.g. --filter *Pause*]` runs the BenchmarkDotNet suite instead.
/// `-- --quick-seconds W M` sets warm-up and measurement seconds per row (defaults 1.0 and 1.0).
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
        double warmup = 1.0, measure = 1.0;
        if (args.Length >= 3 && args[0] == "--quick-seconds")
        {
            warmup = double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
            measure = double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (args.Length > 0)
        {
            Console.Error.WriteLine("usage: [--bdn [BenchmarkDotNet args]] | [--quick-seconds WARMUP MEASURE]");
            return 2;
        }
        return QuickTable.Run(ScenarioCatalog.All(), TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(measure));
    }
}
