using System;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace CoSched;

/// <summary>
/// The task type of CoSched coroutines: return it from <c>async</c> methods that run on a scheduler. Its builder pools
/// state-machine boxes and resumes through the scheduler, so an await of a CoSched primitive allocates nothing in steady
/// state. A CoTask can be awaited once; a second await throws <see cref="InvalidOperationException"/>.
/// </summary>
[AsyncMethodBuilder(typeof(CoTaskMethodBuilder))]
public readonly struct CoTask
{
    internal readonly CoTaskSource<VoidResult>? Source;
    internal readonly int Token;

    internal CoTask(CoTaskSource<VoidResult> source, int token)
    {
        Source = source;
        Token = token;
    }

    /// <summary>A task that has already completed.</summary>
    public static CoTask CompletedTask => default;

    /// <summary>A task that has already failed with <paramref name="error"/>.</summary>
    public static CoTask FromException(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new CoTask(new FaultedCoTaskSource<VoidResult>(error), 0);
    }

    /// <summary>A task that has already completed with <paramref name="value"/>.</summary>
    public static CoTask<T> FromResult<T>(T value) => new(value);

    /// <summary>True once the task has completed (successfully or not).</summary>
    public bool IsCompleted => Source is null || Source.IsCompleted(Token);

    /// <summary>Gets the awaiter; used by <c>await</c>.</summary>
    public Awaiter GetAwaiter() => new(this);

    /// <summary>
    /// Wraps this task in a <see cref="Task"/> for interop with .NET APIs. Call it on the scheduler's thread; the
    /// returned task completes when this one does (and consumes it: do not await the CoTask as well).
    /// </summary>
    public Task AsTask()
    {
        if (Source is null) return Task.CompletedTask;
        // Refused here on a thread without a scheduler, as a pending task's registration is: a completed one would
        // otherwise come back as a task faulted with the refusal (audit finding).
        if (Scheduler.DrainingHereHint is null) Scheduler.CheckSchedulerThread("CoTask.AsTask()");
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CoTask self = this;
        Awaiter awaiter = GetAwaiter();
        if (awaiter.IsCompleted) { Complete(tcs, self); return tcs.Task; }
        awaiter.UnsafeOnCompleted(() => Complete(tcs, self));
        return tcs.Task;

        static void Complete(TaskCompletionSource tcs, CoTask t)
        {
            try { t.GetAwaiter().GetResult(); tcs.SetResult(); }
            catch (OperationCanceledException oce) { tcs.SetCanceled(oce.CancellationToken); }
            catch (Exception e) { tcs.SetException(e); }
        }
    }

    /// <summary>The awaiter of a <see cref="CoTask"/>.</summary>
    public readonly struct Awaiter : ICriticalNotifyCompletion, ICoAwaiter<Awaiter>
    {
        private readonly CoTask _task;

        internal Awaiter(CoTask task) => _task = task;

        /// <summary>True when the task has completed.</summary>
        public bool IsCompleted => _task.Source is null || _task.Source.IsCompletedForAwait(_task.Token);

        /// <summary>Ends the await: rethrows the task's exception, if any.</summary>
        public void GetResult() => _task.Source?.GetResult(_task.Token);

        /// <inheritdoc />
        public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

        /// <inheritdoc />
        public void UnsafeOnCompleted(Action continuation) => ParkCo(continuation);

        void ICoAwaiter.ParkCo(object continuation) => ParkCo(continuation);

        /// <summary>Parks with a continuation that is a state-machine box or an Action (see <see cref="Resumable"/>).</summary>
        internal void ParkCo(object continuation)
        {
            if (_task.Source is null) Resumable.Run(continuation);
            else _task.Source.OnCompleted(continuation, _task.Token);
        }
    }
}
