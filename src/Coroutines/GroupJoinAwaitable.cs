using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>
/// The caller of a task group waiting for every child to end. A cancel of the caller does not abandon the wait: the
/// group's <see cref="IWaitSite.TryCancelWait"/> cancels the children and keeps the caller parked (it waits shielded).
/// </summary>
internal readonly struct GroupJoinAwaitable : ICriticalNotifyCompletion, ICoAwaiter<GroupJoinAwaitable>
{
    private readonly TaskGroupCore _group;
    private readonly Coroutine _caller;

    internal GroupJoinAwaitable(TaskGroupCore group, Coroutine caller)
    {
        _group = group;
        _caller = caller;
    }

    public GroupJoinAwaitable GetAwaiter() => this;

    /// <summary>True once every child has ended. A cancel already pending on the caller is forwarded to the children.</summary>
    public bool IsCompleted
    {
        get
        {
            if (_group.LiveChildren == 0) return true;
            _caller.CheckCanPark(); // refusals here, not in the park, so the awaiting method's finally blocks run
            if (_caller.Cancelled && _caller.ShieldDepth == 0) _group.OnCallerCancelled();
            return false;
        }
    }

    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    public void UnsafeOnCompleted(Action continuation) => ParkCo(continuation);

    void ICoAwaiter.ParkCo(object continuation) => ParkCo(continuation);

    /// <summary>Parks with a continuation that is a state-machine box or an Action (see <see cref="Resumable"/>).</summary>
    internal void ParkCo(object continuation)
    {
        _caller.Park(continuation, _group);
        _group.ParkCaller(_caller);
    }

    /// <summary>Never throws: the group's outcome is read after the defers have run.</summary>
    public void GetResult() => _caller.EndWait();
}
