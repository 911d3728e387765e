using System;
using System.Runtime.ExceptionServices;

namespace CoSched.Host;

/// <summary>How the main coroutine of a guest run ended: its result, or the exception it failed with.</summary>
public readonly struct GuestOutcome<T>
{
    internal GuestOutcome(T result, Exception? exception)
    {
        Result = result;
        Exception = exception;
    }

    /// <summary>True when main returned a result.</summary>
    public bool Succeeded => Exception is null;

    /// <summary>Main's result; default when it failed.</summary>
    public T Result { get; }

    /// <summary>
    /// The exception main failed with (a <see cref="CancelledException"/> if it was cancelled), or the run's own failure
    /// (a <see cref="DeadlockException"/>, an exception of a posted action); null on success.
    /// </summary>
    public Exception? Exception { get; }

    /// <summary>Returns <see cref="Result"/>, or rethrows <see cref="Exception"/> with its original stack trace.</summary>
    public T GetResultOrThrow()
    {
        if (Exception is { } e) ExceptionDispatchInfo.Throw(e);
        return Result;
    }

    /// <inheritdoc />
    public override string ToString() => Succeeded ? $"succeeded: {Result}" : $"failed: {Exception!.GetType().Name}: {Exception.Message}";
}
