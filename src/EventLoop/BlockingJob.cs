using System;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace CoSched;

/// <summary>
/// One <c>Co.RunBlocking</c> call: the work runs on the thread pool while the calling coroutine is parked on this job
/// (its wait site). It counts as an external wait from start until its completion is processed on the scheduler's
/// thread, so blocked coroutines are idle, not deadlocked, meanwhile. A cancel cannot abandon the wait: it signals the
/// work's token and the coroutine stays parked until the work has returned (so nothing the work uses is released under
/// it), then throws <see cref="CancelledException"/>. Jobs are pooled per scheduler and result type (trimmed with
/// the scheduler's other pools).
/// </summary>
internal sealed class BlockingJob<T> : IWaitSite
{
    private static readonly int s_poolSlot = Scheduler.AllocatePoolSlot();

    private static readonly Action<BlockingJob<T>> s_execute = static job => job.Execute();
    private static readonly Action<object?> s_cancelSource = static cts => ((CancellationTokenSource)cts!).Cancel();

    private readonly Action _completeOnScheduler;
    private Delegate? _work;
    private CancellationToken _external;
    private CancellationTokenSource _cts = new();
    private Coroutine? _caller;
    private Scheduler? _scheduler;
    private T _result = default!;
    private ExceptionDispatchInfo? _error;
    private bool _done;

    private BlockingJob() => _completeOnScheduler = CompleteOnScheduler;

    internal static async CoTask<T> Run(Coroutine caller, Delegate work, CancellationToken cancellationToken)
    {
        // Refused before the work starts (and here, not in the park, so callers' finally blocks run).
        caller.CheckCanPark();
        BlockingJob<T> job = Unsafe.As<BlockingJob<T>?>(caller.Scheduler.PoolTake(s_poolSlot)) ?? new BlockingJob<T>();
        job.Start(caller, work, cancellationToken);
        return await new Awaiter(job, caller);
    }

    private void Start(Coroutine caller, Delegate work, CancellationToken external)
    {
        _caller = caller;
        _scheduler = caller.Scheduler;
        _work = work;
        _external = external;
        _done = false;
        _scheduler.AddExternalWait();
        // The completion is posted through the inbox, which the scheduler reads only between steps: the caller has
        // parked on this job by then, even if the work finishes at once.
        ThreadPool.QueueUserWorkItem(s_execute, this, preferLocal: false);
    }

    /// <summary>Runs on a thread-pool thread.</summary>
    private void Execute()
    {
        CancellationTokenRegistration link = _external.CanBeCanceled ? _external.UnsafeRegister(s_cancelSource, _cts) : default;
        try
        {
            CancellationToken token = _cts.Token;
            switch (_work)
            {
                case Func<CancellationToken, T> f: _result = f(token); break;
                case Func<T> f: _result = f(); break;
                case Action<CancellationToken> a: a(token); break;
                default: ((Action)_work!)(); break;
            }
        }
        catch (Exception e)
        {
            _error = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            link.Dispose(); // waits for a running link callback: nothing touches the source after this
        }
        // Last touch of this job on the worker: after the post, the scheduler may recycle it.
        _scheduler!.Post(_completeOnScheduler);
    }

    /// <summary>Runs on the scheduler's thread, from the inbox.</summary>
    private void CompleteOnScheduler()
    {
        _done = true;
        _scheduler!.RemoveExternalWait();
        _scheduler.Wake(_caller!);
    }

    bool IWaitSite.TryCancelWait(Coroutine waiter)
    {
        // The work cannot be abandoned: ask it to stop and keep the caller parked until it has.
        _cts.Cancel();
        return false;
    }

    string IWaitSite.Describe() => "Co.RunBlocking (work running on the thread pool)";

    private T TakeResultAndRecycle(out ExceptionDispatchInfo? error)
    {
        T result = _result;
        error = _error;
        _result = default!;
        _error = null;
        _work = null;
        _external = default;
        _caller = null;
        Scheduler scheduler = _scheduler!;
        _scheduler = null;
        if (!_cts.TryReset()) _cts = new CancellationTokenSource();
        scheduler.PoolReturn(s_poolSlot, this); // on the scheduler's thread: the caller is reading its result
        return result;
    }

    /// <summary>Parks the caller on the job; resumes it when the completion has been posted back.</summary>
    private readonly struct Awaiter : ICriticalNotifyCompletion, ICoAwaiter<Awaiter>
    {
        private readonly BlockingJob<T> _job;
        private readonly Coroutine _caller;

        internal Awaiter(BlockingJob<T> job, Coroutine caller)
        {
            _job = job;
            _caller = caller;
        }

        public Awaiter GetAwaiter() => this;

        // The work has started: whatever happens, the caller waits for it (no cancellation check here).
        public bool IsCompleted => _job._done;

        public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

        public void UnsafeOnCompleted(Action continuation) => ParkCo(continuation);

        void ICoAwaiter.ParkCo(object continuation) => ParkCo(continuation);

        /// <summary>Parks with a continuation that is a state-machine box or an Action (see <see cref="Resumable"/>).</summary>
        internal void ParkCo(object continuation) => _caller.Park(continuation, _job);

        public T GetResult()
        {
            _caller.EndWait();
            T result = _job.TakeResultAndRecycle(out ExceptionDispatchInfo? error);
            _caller.ThrowIfCancelled();
            error?.Throw();
            return result;
        }
    }
}
