using System;
using CoSched.Samples.GuestHost;

// Usage: dotnet run --project samples/GuestHost [messages]   (default 10; the pump stops after 10,000 messages at most)
int messages = 10;
if (args.Length > 0 && (!int.TryParse(args[0], out messages) || messages < 1))
{
    Console.Error.WriteLine("usage: GuestHost [messages]   (a positive number of messages to exchange; default 10)");
    return 2;
}
return GuestHostDemo.Run(messages, maxPumpMessages: 10_000, Console.Out);
