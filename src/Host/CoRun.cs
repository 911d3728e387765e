using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace CoSched.Host;

/// <summary>
/// The static entry points of the hosts that own no frame loop: <see cref="Run(Func{CoTask}, string?, string?, int)"/>
/// for a console program (the native loop on the calling thread) and <c>StartGuestRun</c> for a host that has its own
/// event loop (a UI dispatcher). A game drives a <see cref="GameLoopHost"/> instead.
/// </summary>
public static class CoRun
{
    /// <summary>
    /// Runs <paramref name="main"/> on the calling thread under a new <see cref="NativeEventLoop"/> until it ends, while
    /// the coroutines it spawns run alongside; returns when main returns and rethrows its exception. The thread blocks
    /// (a kernel wait, no spinning) only while nothing is ready.
    /// </summary>
    /// <exception cref="DeadlockException">Coroutines are alive and nothing can ever wake one (the report says which and why).</exception>
    public static void Run(Func<CoTask> main,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(main);
        new NativeEventLoop().Run(main, "main", member, file, line);
    }

    /// <summary>Runs <paramref name="main"/> as <see cref="Run(Func{CoTask}, string?, string?, int)"/> does and returns its result (e.g. an exit code).</summary>
    /// <exception cref="DeadlockException">Coroutines are alive and nothing can ever wake one.</exception>
    public static T Run<T>(Func<CoTask<T>> main,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(main);
        return new NativeEventLoop().Run(main, "main", member, file, line);
    }

    /// <summary>
    /// Starts <paramref name="main"/> as a guest of the host's event loop (see <see cref="GuestRun"/>). Call it on the
    /// host thread: the scheduler binds to the calling thread, and <paramref name="runOnHostThread"/> must run the
    /// actions it is given on that same thread, soon, in order (Dispatcher.BeginInvoke, Control.BeginInvoke, a queue
    /// the host pumps). It is called from any thread and must not run the action inline. Nothing runs before the first
    /// callback. <paramref name="onDone"/> runs on the host thread once main has ended, with null or main's exception
    /// (also a <see cref="DeadlockException"/>, or the exception of a posted action, which ends the run).
    /// If <paramref name="runOnHostThread"/> throws, the run goes on and the next request posts a drain again; the
    /// exception reaches the host's call when made on the host thread (this method, a post or a wake from the host), and
    /// otherwise (a completion on the thread pool, the timer thread) the next drain callback throws it on the host
    /// thread, after its drain (one as is, several in an <see cref="AggregateException"/>).
    /// </summary>
    /// <param name="main">The main coroutine.</param>
    /// <param name="runOnHostThread">The host's thread-safe "run this soon on your thread".</param>
    /// <param name="onDone">Receives null on success, else the exception.</param>
    /// <param name="drainBudget">The budget of one drain (one callback); default <see cref="GuestRun.DefaultBudget"/> (8 ms).</param>
    /// <param name="member">Spawn site (filled in by the compiler).</param>
    /// <param name="file">Spawn site (filled in by the compiler).</param>
    /// <param name="line">Spawn site (filled in by the compiler).</param>
    public static GuestRun StartGuestRun(Func<CoTask> main, Action<Action> runOnHostThread, Action<Exception?> onDone,
        DrainBudget? drainBudget = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        GuestRun.Start(main, runOnHostThread, onDone, drainBudget, member, file, line);

    /// <summary>
    /// Starts a guest run whose main returns a value; <paramref name="onDone"/> receives its result or exception. See
    /// <see cref="StartGuestRun(Func{CoTask}, Action{Action}, Action{Exception?}, DrainBudget?, string?, string?, int)"/>.
    /// </summary>
    /// <param name="main">The main coroutine.</param>
    /// <param name="runOnHostThread">The host's thread-safe "run this soon on your thread".</param>
    /// <param name="onDone">Receives main's outcome on the host thread.</param>
    /// <param name="drainBudget">The budget of one drain; default <see cref="GuestRun.DefaultBudget"/>.</param>
    /// <param name="member">Spawn site (filled in by the compiler).</param>
    /// <param name="file">Spawn site (filled in by the compiler).</param>
    /// <param name="line">Spawn site (filled in by the compiler).</param>
    public static GuestRun StartGuestRun<T>(Func<CoTask<T>> main, Action<Action> runOnHostThread, Action<GuestOutcome<T>> onDone,
        DrainBudget? drainBudget = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        GuestRun.Start(main, runOnHostThread, onDone, drainBudget, member, file, line);

    /// <summary>
    /// Starts a guest run whose drains are posted to <paramref name="context"/> (<c>context.Post</c>): any UI framework's
    /// SynchronizationContext (WPF, WinForms, Avalonia, MAUI). Call it on that context's thread. See
    /// <see cref="StartGuestRun(Func{CoTask}, Action{Action}, Action{Exception?}, DrainBudget?, string?, string?, int)"/>.
    /// </summary>
    /// <param name="main">The main coroutine.</param>
    /// <param name="context">The host thread's synchronization context.</param>
    /// <param name="onDone">Receives null on success, else the exception.</param>
    /// <param name="drainBudget">The budget of one drain; default <see cref="GuestRun.DefaultBudget"/>.</param>
    /// <param name="member">Spawn site (filled in by the compiler).</param>
    /// <param name="file">Spawn site (filled in by the compiler).</param>
    /// <param name="line">Spawn site (filled in by the compiler).</param>
    public static GuestRun StartGuestRun(Func<CoTask> main, SynchronizationContext context, Action<Exception?> onDone,
        DrainBudget? drainBudget = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        GuestRun.Start(main, GuestRun.ViaContext(context), onDone, drainBudget, member, file, line);

    /// <summary>
    /// Starts a guest run with a value-returning main whose drains are posted to <paramref name="context"/>. See
    /// <see cref="StartGuestRun(Func{CoTask}, SynchronizationContext, Action{Exception?}, DrainBudget?, string?, string?, int)"/>.
    /// </summary>
    /// <param name="main">The main coroutine.</param>
    /// <param name="context">The host thread's synchronization context.</param>
    /// <param name="onDone">Receives main's outcome on the host thread.</param>
    /// <param name="drainBudget">The budget of one drain; default <see cref="GuestRun.DefaultBudget"/>.</param>
    /// <param name="member">Spawn site (filled in by the compiler).</param>
    /// <param name="file">Spawn site (filled in by the compiler).</param>
    /// <param name="line">Spawn site (filled in by the compiler).</param>
    public static GuestRun StartGuestRun<T>(Func<CoTask<T>> main, SynchronizationContext context, Action<GuestOutcome<T>> onDone,
        DrainBudget? drainBudget = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        GuestRun.Start(main, GuestRun.ViaContext(context), onDone, drainBudget, member, file, line);
}
