using System;
using CoSched;
using Xunit;

namespace CoSched.Tests.Reliability;

/// <summary>
/// One scheduler with a primitive of each kind set so that an await of it suspends (nothing is ready): the waits the
/// misuse and stray-frame tests park on. <see cref="Lock"/> is free, for the code under test to hold.
/// </summary>
internal sealed class BlockedWaitWorld
{
    public readonly Scheduler S = new();
    /// <summary>The virtual clock: time-based waits (sleep, timer) wait until the test advances it, which it never does.</summary>
    public readonly VirtualEventLoop Loop;
    public readonly CoMutex Lock;
    public readonly CoCondition Condition;
    /// <summary>A semaphore of one with no permit free.</summary>
    public readonly CoSemaphore Empty;
    /// <summary>A mutex already held (taken with TryLock): a lock of it waits.</summary>
    public readonly CoMutex Taken;
    public readonly CoQueue<int> EmptyQueue;
    /// <summary>A rendezvous with no reader: a put waits.</summary>
    public readonly CoQueue<int> FullQueue;
    public readonly TestGate Gate = new();
    /// <summary>A coroutine waiting on <see cref="Gate"/>, which nobody opens: a join of it waits.</summary>
    public readonly CoroutineHandle Pending;
    /// <summary>A lazy value whose initializer waits on <see cref="Gate"/>.</summary>
    public readonly CoLazy<int> Lazy;
    /// <summary>A timer due in an hour of virtual time.</summary>
    public readonly CoTimer Timer;

    public BlockedWaitWorld()
    {
        Loop = new VirtualEventLoop(S);
        Timer = new CoTimer(S, TimeSpan.FromHours(1));
        Lock = new CoMutex(S);
        Condition = new CoCondition(S);
        Empty = new CoSemaphore(S, 1, 0);
        Taken = new CoMutex(S);
        Assert.True(Taken.TryLock());
        EmptyQueue = CoQueue<int>.Unbounded(S);
        FullQueue = CoQueue<int>.Blocking(0, S);
        Pending = S.Spawn(async () => await Gate.Wait());
        Lazy = new CoLazy<int>(async () => { await Gate.Wait(); return 1; });
    }
}
