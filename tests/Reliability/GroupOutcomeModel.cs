using System;
using System.Collections.Generic;
using CoSched;

namespace CoSched.Tests.Reliability;

/// <summary>
/// The model of one task group's outcome (DESIGN §2, docs/concurrency.md rules 2-8), fed with the events the interpreter
/// observes in the order they happen: a child ends (with its exception and whether it was being cancelled), the opener's
/// cancellation is delivered (seen through a callback on its Co.CancellationToken), a defer throws. It does not
/// re-implement scheduling: which child ends first is whatever the real run did; the model only says what the group
/// must conclude from that sequence.
/// </summary>
/// <remarks>
/// The rules, as state: the group runs until every waited-for child (the body included) has ended (then it is done) or
/// until its first failure. A failure is an exception other than an OperationCanceledException thrown by a child that
/// was being cancelled, from a child not spawned with allowFailure. The first failure is the outcome and is never
/// replaced. The opener's cancellation, if delivered while the group runs, makes the outcome a CancelledException,
/// which a later real failure (a child's or a defer's) replaces. A defer's exception replaces a success.
/// </remarks>
internal sealed class GroupOutcomeModel
{
    private enum State { Running, Done, Failed }

    private State _state;
    private Exception? _error;
    private bool _errorIsCancel;

    public GroupOutcomeModel(int id, CoroutineInfo opener)
    {
        Id = id;
        Opener = opener;
    }

    /// <summary>The id of the group's body coroutine (groups are named after it).</summary>
    public int Id { get; }

    public CoroutineInfo Opener { get; }

    /// <summary>Children that have been spawned and have not ended (the body included).</summary>
    public int Live { get; private set; }

    private int _waitedFor;

    /// <summary>True once Co.WithTaskGroup has returned: handles of its children are then stale.</summary>
    public bool Released { get; set; }

    public TaskGroup Group { get; set; }

    public List<int> DefersAdded { get; } = new();

    public List<int> DefersRun { get; } = new();

    /// <summary>A child was spawned into the group (the body counts as a waited-for child).</summary>
    public void ChildSpawned(bool noWait)
    {
        Live++;
        if (!noWait) _waitedFor++;
    }

    /// <summary>A child is ending with <paramref name="error"/> (null: success); <paramref name="cancelled"/>: it was being cancelled.</summary>
    public void ChildEnded(bool noWait, bool allowFailure, Exception? error, bool cancelled)
    {
        Live--;
        if (!noWait) _waitedFor--;
        bool failed = error is not null && !(error is OperationCanceledException && cancelled);
        if (failed && !allowFailure) Record(error!, isCancel: false);
        if (_waitedFor == 0 && _state == State.Running) _state = State.Done;
    }

    /// <summary>The opener's cancellation reached the group (while the opener waits for it, or when it opened it already cancelled).</summary>
    public void OpenerCancelled()
    {
        if (_state == State.Running) Record(CancelMarker, isCancel: true);
    }

    /// <summary>A defer threw <paramref name="error"/>; <paramref name="openerCancelled"/>: the opener, whose coroutine runs the defers, is being cancelled.</summary>
    public void DeferFailed(Exception error, bool openerCancelled) => Record(error, error is OperationCanceledException && openerCancelled);

    private void Record(Exception error, bool isCancel)
    {
        if (_state == State.Failed && (isCancel || !_errorIsCancel)) return;
        _state = State.Failed;
        _error = error;
        _errorIsCancel = isCancel;
    }

    /// <summary>Null when <paramref name="actual"/> is what the model predicts, else what went wrong.</summary>
    public string? Check(Exception? actual)
    {
        if (_error is null)
            return actual is null ? null : $"group c{Id} threw {Name(actual)} but the model predicts success";
        if (ReferenceEquals(_error, CancelMarker))
            return actual is CancelledException ? null
                : $"group c{Id} ended with {Name(actual)} but the model predicts CancelledException (the opener's cancel)";
        if (ReferenceEquals(_error, StrayCallMarker))
            return IsStrayCallError(actual) ? null
                : $"group c{Id} ended with {Name(actual)} but the model predicts the library's error for a call without await";
        return ReferenceEquals(actual, _error) ? null
            : $"group c{Id} ended with {Name(actual)} but the model predicts {Name(_error)} (the first failure)";
    }

    private static string Name(Exception? e) => e is null ? "success" : $"{e.GetType().Name} '{e.Message}'";

    /// <summary>
    /// Stands for the InvalidOperationException the library ends a coroutine with when its body completed while a call
    /// made without await was suspended (compared by type and message: the library creates the object).
    /// </summary>
    public static readonly Exception StrayCallMarker = new InvalidOperationException("a call made without await was unwound (model)");

    /// <summary>The library's error for a coroutine whose body left a call without await suspended.</summary>
    public static bool IsStrayCallError(Exception? e) =>
        e is InvalidOperationException && e.Message.Contains("without await", StringComparison.Ordinal) && !ReferenceEquals(e, StrayCallMarker);

    /// <summary>Stands for the CancelledException the group creates itself (compared by type).</summary>
    private static readonly Exception CancelMarker = new CancelledException("the opener's cancellation (model)");
}
