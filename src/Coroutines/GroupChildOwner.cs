namespace CoSched;

/// <summary>
/// The owner of a task group's children that were spawned with one combination of flags: it forwards their end to the
/// group together with the flags, so the child records need no per-group storage.
/// </summary>
internal sealed class GroupChildOwner : ICoroutineOwner
{
    private readonly TaskGroupCore _group;
    private readonly bool _noWait;
    private readonly bool _allowFailure;
    private readonly bool _isBody;

    internal GroupChildOwner(TaskGroupCore group, bool noWait, bool allowFailure, bool isBody)
    {
        _group = group;
        _noWait = noWait;
        _allowFailure = allowFailure;
        _isBody = isBody;
    }

    public Coroutine? Parent => _group.Caller;

    public void OnChildEnded(Coroutine child) => _group.OnChildEnded(child, _noWait, _allowFailure, _isBody);
}
