namespace CoSched;

/// <summary>The site of a coroutine suspended on a .NET awaitable: it cannot be abandoned; it resumes when the operation completes.</summary>
internal sealed class ForeignWaitSite : IWaitSite
{
    internal static readonly ForeignWaitSite Instance = new();

    public bool TryCancelWait(Coroutine waiter) => false;

    public string Describe() => "a .NET awaitable (Task/ValueTask); it resumes through the inbox";
}
