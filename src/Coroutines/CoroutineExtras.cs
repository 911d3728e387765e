using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace CoSched;

/// <summary>
/// The part of a coroutine record that most coroutines never use: the failure, the cancellation token's source, the
/// coroutines joining it and the delegate for an out-of-step body completion. Created on first use and kept with the
/// record through pooling (so a steady state still allocates nothing); a coroutine that is never joined, never fails and
/// never asks for its token (a parked waiter, a group child) carries one reference instead of ~50 bytes.
/// </summary>
internal sealed class CoroutineExtras
{
    /// <summary>The name given at spawn (see <see cref="Coroutine.Name"/>).</summary>
    internal string? Name;
    internal ExceptionDispatchInfo? Error;
    internal CancellationTokenSource? Cts;
    /// <summary>Coroutines waiting in <c>handle.Wait()</c> for this one to end.</summary>
    internal WaitList Joiners;
    /// <summary>Joiners woken by the end that have not read the outcome yet.</summary>
    internal int PendingJoinWakes;
    /// <summary>See <see cref="Coroutine.DeferBodyCompletion"/>.</summary>
    internal Action? BodyCompleted;
    internal object? DeferredBodySource;
    internal int DeferredBodyToken;
    /// <summary>Unwinds a frame left suspended when the body completed (see <see cref="StrayFrameUnwind"/>).</summary>
    internal StrayFrameUnwind? StrayFrame;
}
