namespace CoSched;

/// <summary>The timer of one <c>Co.WithTimeout</c> call: when it fires it cancels the body's coroutine. Pooled by its loop.</summary>
internal sealed class TimeoutTimer : TimerEntry
{
    internal Coroutine? Body;
    internal bool Fired;
    internal TimeoutTimer? NextFree;

    internal override void Fire()
    {
        Fired = true;
        Body!.Cancel();
    }
}
