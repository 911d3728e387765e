namespace CoSched;

/// <summary>The result type of coroutines and tasks that produce no value.</summary>
public readonly struct VoidResult
{
}
