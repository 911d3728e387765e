using System;
using System.Runtime.CompilerServices;

namespace CoSched.Bench.Floor;

/// <summary>The floor's pause: always suspends (the builder queues the box).</summary>
public readonly struct FloorPause : ICriticalNotifyCompletion
{
    /// <summary>Gets the awaiter (itself).</summary>
    public FloorPause GetAwaiter() => this;

    /// <summary>Always false.</summary>
    public bool IsCompleted => false;

    /// <summary>Nothing to return.</summary>
    public void GetResult() { }

    /// <summary>Not used: the floor's builder queues the box itself.</summary>
    public void OnCompleted(Action continuation) => throw new NotSupportedException();

    /// <summary>Not used: the floor's builder queues the box itself.</summary>
    public void UnsafeOnCompleted(Action continuation) => throw new NotSupportedException();
}

/// <summary>pause_loop on the featureless floor: one method pauses n times.</summary>
public sealed class PauseLoopFloor : FloorScenario
{
    internal const int N = 10_000;
    private int _pauses;

    public override string Name => "pause_loop";
    public override int Operations => N;
    public override string Unit => "pause";
    public override double? PublishedFloorNs => 5.5;

    private protected override void Start()
    {
        _pauses = 0;
        _ = Loop();
    }

    private protected override void Check() => Drain.Check(_pauses, N, "floor pauses");

    private async FloorTask Loop()
    {
        for (int i = 0; i < N; i++)
        {
            await new FloorPause();
            _pauses++;
        }
    }
}
