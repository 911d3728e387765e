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
    /// <summary>The awaiting frame's ExecutionContext: the frame resumes in it, as after any .NET await.</summary>
    private System.Threading.ExecutionContext? _context;

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
        _context = ThreadContext.Get(owner.Scheduler.Thread);
    }

    /// <summary>Forgets the owner (the box is being recycled).</summary>
    internal void Clear()
    {
        _owner = null;
        _context = null;
    }

    private void OnCompleted()
    {
        Coroutine co = _owner!;
        System.Threading.ExecutionContext? context = _context;
        _owner = null;
        _context = null; // a pooled box keeps no context (and its AsyncLocal values) alive
        co.Scheduler.PostForeignResume(co, _ownerVersion, _box, context);
    }
}
