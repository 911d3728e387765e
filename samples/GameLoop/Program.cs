using System;
using CoSched.Samples.GameLoop;

// Usage: dotnet run --project samples/GameLoop [frames]   (default 300 frames = 5 s at 60 ticks/s)
int frames = 300;
if (args.Length > 0 && (!int.TryParse(args[0], out frames) || frames < 1))
{
    Console.Error.WriteLine("usage: GameLoop [frames]   (frames: a positive number of ticks; default 300)");
    return 2;
}
new GameLoopSimulation(Console.Out).Run(frames, realTime: true);
return 0;
