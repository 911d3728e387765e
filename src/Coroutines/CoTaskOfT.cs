using System;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace CoSched;

/// <summary>
/// The task type of CoSched coroutines that produce a value. See <see cref="CoTask"/> for the rules: pooled builder,
/// awaited once, runs on its scheduler's thread.
/// </summary>
[AsyncMethodBuilder(typeof(CoTaskMethodBuilder<>))]
public readonly struct CoTask<T>
{
    internal readonly CoTaskSource<T>? Source;
    internal readonly T Result;
    internal readonly int Token;

    /// <summary>A task already completed with <paramref name="result"/>.</summary>
    public CoTask(T result)
    {
        Source = null;
        Result = result;
        Token = 0;
    }

    internal CoTask(CoTaskSource<T> source, int token)
    {
        Source = source;
        Result = default!;
        Token = token;
    }

    /// <summary>A task that has already failed with <paramref name="error"/>.</summary>
    public static CoTask<T> FromException(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new CoTask<T>(new FaultedCoTaskSource<T>(error), 0);
    }

    /// <summary>True once the task has completed (successfully or not).</summary>
    public bool IsCompleted => Source is null || Source.IsCompleted(Token);

    /// <summary>Gets the awaiter; used by <c>await</c>.</summary>
    public Awaiter GetAwaiter() => new(this);

    /// <summary>
    /// Wraps this task in a <see cref="Task{T}"/> for interop. Call it on the scheduler's thread; it consumes this task.
    /// </summary>
    public Task<T> AsTask()
    {
        if (Source is null) return Task.FromResult(Result);
        // Refused here on a thread without a scheduler, as a pending task's registration is: a completed one would
        // otherwise come back as a task faulted with the refusal (audit finding).
        if (Scheduler.DrainingHereHint is null) Scheduler.CheckSchedulerThread("CoTask.AsTask()");
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        CoTask<T> self = this;
        Awaiter awaiter = GetAwaiter();
        if (awaiter.IsCompleted) { Complete(tcs, self); return tcs.Task; }
        awaiter.UnsafeOnCompleted(() => Complete(tcs, self));
        return tcs.Task;

        static void Complete(TaskCompletionSource<T> tcs, CoTask<T> t)
        {
            try { tcs.SetResult(t.GetAwaiter().GetResult()); }
            catch (OperationCanceledException oce) { tcs.SetCanceled(oce.CancellationToken); }
            catch (Exception e) { tcs.SetException(e); }
        }
    }

    /// <summary>The awaiter of a <see cref="CoTask{T}"/>.</summary>
    public readonly struct Awaiter : ICriticalNotifyCompletion, ICoAwaiter<Awaiter>
    {
        private readonly CoTask<T> _task;

        internal Awaiter(CoTask<T> task) => _task = task;

        /// <summary>True when the task has completed.</summary>
        public bool IsCompleted => _task.Source is null || _task.Source.IsCompletedForAwait(_task.Token);

        /// <summary>Ends the await: returns the result or rethrows the task's exception.</summary>
        public T GetResult() => _task.Source is null ? _task.Result : _task.Source.GetResult(_task.Token);

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
