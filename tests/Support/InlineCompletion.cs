using System;
using System.Threading;
using System.Threading.Tasks;

namespace CoSched.Tests;

/// <summary>
/// Completes a .NET task so that its continuations run inline, on this thread, now: without a synchronization context
/// (xunit's, or the scheduler's inside a drain) at the completing call. With one, .NET queues them to the thread pool,
/// and the library's post to its inbox would race the next drain: a test would depend on thread timing.
/// </summary>
internal static class InlineCompletion
{
    public static void Run(Action complete)
    {
        SynchronizationContext? context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try { complete(); }
        finally { SynchronizationContext.SetSynchronizationContext(context); }
    }

    public static void SetResultInline<T>(this TaskCompletionSource<T> source, T value) => Run(() => source.SetResult(value));
}
