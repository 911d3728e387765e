using System;
using CoSched;

namespace CoSched.Tests.Reliability;

/// <summary>
/// The model of one <c>Co.WithTimeout</c> call (docs/eventloop.md, the XML docs of Co.WithTimeout), fed with what the
/// interpreter observes: when and how the body ended, whether the caller's cancellation reached it while it was still
/// waiting for the body, and whether the caller is being cancelled when the call returns.
/// </summary>
/// <remarks>
/// Whether the timer fired is derived from virtual time: the clock only moves between drains, and every round starts by
/// firing due timers, so the timer fired exactly when the body was still running at a step whose clock had reached the
/// deadline. The body has no handle and belongs to no group, so only the timer or the caller's cancellation can cancel it.
/// </remarks>
internal sealed class TimeoutOutcomeModel(int id, TimeSpan? deadline, bool orDefault)
{
    public int Id { get; } = id;

    /// <summary>Null for an infinite timeout.</summary>
    public TimeSpan? Deadline { get; } = deadline;

    public bool BodyEnded { get; private set; }

    private Exception? _bodyError;
    private bool _fired;

    /// <summary>The timer fired (the body was still running when the clock reached the deadline).</summary>
    public bool Fired => _fired;
    private bool _joinCancelled;

    /// <summary>The body ends at virtual time <paramref name="now"/> with <paramref name="error"/> (null: success).</summary>
    public void BodyEnds(Exception? error, TimeSpan now)
    {
        BodyEnded = true;
        _bodyError = error;
        _fired = Deadline is { } d && now >= d;
    }

    /// <summary>The caller's cancellation was delivered (its token fired) while it waited in the call.</summary>
    public void CallerCancelled()
    {
        if (!BodyEnded) _joinCancelled = true;
    }

    /// <summary>Null when the call's outcome is what the model predicts.</summary>
    public string? Check(Exception? actual, bool callerCancelledOnReturn)
    {
        Exception? expected;
        if (_joinCancelled)
        {
            // The caller's own cancel wins, unless the body failed for real while winding down (that failure replaces
            // the cancel, as in task groups).
            expected = _bodyError is { } e && e is not OperationCanceledException ? e : CancelMarker;
        }
        else if (_bodyError is null || _bodyError is not OperationCanceledException) expected = _bodyError;
        else if (_fired && !callerCancelledOnReturn) expected = orDefault ? null : TimeoutMarker;
        else expected = _bodyError;

        bool ok = expected switch
        {
            null => actual is null,
            _ when ReferenceEquals(expected, CancelMarker) => actual is CancelledException,
            _ when ReferenceEquals(expected, TimeoutMarker) => actual is TimeoutException,
            _ when ReferenceEquals(expected, GroupOutcomeModel.StrayCallMarker) => GroupOutcomeModel.IsStrayCallError(actual),
            _ => ReferenceEquals(actual, expected),
        };
        return ok ? null
            : $"timeout c{Id} ended with {Name(actual)} but the model predicts {Name(expected)} (body ended with " +
              $"{Name(_bodyError)}, timer fired: {_fired}, caller's cancel reached the wait: {_joinCancelled}, " +
              $"caller cancelled on return: {callerCancelledOnReturn})";
    }

    private static string Name(Exception? e) => e is null ? "success" : $"{e.GetType().Name} '{e.Message}'";

    private static readonly Exception CancelMarker = new CancelledException("the caller's cancellation (model)");
    private static readonly Exception TimeoutMarker = new TimeoutException("the timeout (model)");
}
