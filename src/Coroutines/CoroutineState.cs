namespace CoSched;

/// <summary>The life cycle of a coroutine.</summary>
public enum CoroutineState
{
    /// <summary>Spawned and queued; its body has not started.</summary>
    Created,
    /// <summary>Its body is executing a step right now.</summary>
    Running,
    /// <summary>Waiting on a primitive, another coroutine, a timer or a .NET awaitable.</summary>
    Suspended,
    /// <summary>Ended with a result.</summary>
    Done,
    /// <summary>Ended by an exception other than its own cancellation.</summary>
    Failed,
    /// <summary>Ended by <see cref="CancelledException"/> (or another <see cref="System.OperationCanceledException"/>) after it was cancelled.</summary>
    Cancelled,
}
