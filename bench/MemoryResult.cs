namespace CoSched.Bench;

/// <summary>What a <see cref="MemoryProbe"/> measured: retained bytes per parked waiter, and how they split (free text).</summary>
public readonly record struct MemoryResult(double BytesPerWaiter, string Detail);
