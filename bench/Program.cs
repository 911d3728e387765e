namespace CoSched.Bench;

internal static class Program
{
    private static int Main(string[] args)
    {
        System.Console.WriteLine("CoSched benchmarks: not written yet.");
        return 0;
    }
}
