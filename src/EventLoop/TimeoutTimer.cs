namespace CoSched;

/// <summary>
/// The state of one <c>Co.WithTimeout</c> call, pooled by its loop: the timer that cancels the body's coroutine when it
/// fires, and the body's owner, so <c>DescribeCoroutines</c> shows the body under the coroutine that called WithTimeout.
/// </summary>
internal sealed class TimeoutTimer : TimerEntry, ICoroutineOwner
{
    internal Coroutine? Caller;
    internal Coroutine? Body;
    internal bool Fired;
    internal TimeoutTimer? NextFree;

    public Coroutine? Parent => Caller;

    public void OnChildEnded(Coroutine child)
    {
        // Nothing to do: the caller joins the body.
    }

    internal override void Fire()
    {
        // A body that has already ended (its caller not yet resumed: the clock passed the deadline in between) was not
        // timed out: its own outcome stands, even an OperationCanceledException of its own (reliability bug 17).
        if (Body!.HasEnded) return;
        Fired = true;
        Body.Cancel();
    }
}
