using System;

namespace CoSched;

/// <summary>
/// What a state-machine box needs only when its frame awaits a .NET awaitable (a Task, a ValueTask): the coroutine to
/// resume through the inbox, its record version, and the completion delegate handed to the awaitable. Created on a
/// box's first foreign await and kept with the box in its pool, so boxes that only await CoSched primitives (nearly all
/// of them, including every parked coroutine's) carry one reference instead of these fields.
/// </summary>
internal sealed class ForeignCompletion
{
    private readonly Resumable _box;
    private Coroutine? _owner;
    private int _ownerVersion;

    /// <summary>Given to the awaitable; runs on whatever thread completes it.</summary>
    internal readonly Action Completed;

    internal ForeignCompletion(Resumable box)
    {
        _box = box;
        Completed = OnCompleted;
    }

    /// <summary>Records the coroutine the completion resumes (on the scheduler's thread, before the awaitable is told).</summary>
    internal void Arm(Coroutine owner)
    {
        _owner = owner;
        _ownerVersion = owner.Version;
    }

    /// <summary>Forgets the owner (the box is being recycled).</summary>
    internal void Clear() => _owner = null;

    private void OnCompleted()
    {
        Coroutine co = _owner!;
        _owner = null;
        co.Scheduler.PostForeignResume(co, _ownerVersion, _box);
    }
}
