using System;
using System.Threading;

namespace CoSched;

// External feeders: leases that keep blocked coroutines idle, not deadlocked.
public sealed partial class Scheduler
{
    /// <summary>
    /// Declares that something outside the coroutines (a host, another thread) will deliver work later, e.g. by posting
    /// items into a queue. While any lease is open, coroutines blocked on primitives are <see cref="DrainStatus.Idle"/>,
    /// not <see cref="DrainStatus.Deadlock"/>. Dispose the lease (on the scheduler's thread, or it is posted) when done.
    /// </summary>
    public IDisposable AcquireFeederLease()
    {
        CheckThread();
        _leases++;
        return new FeederLease(this);
    }

    private sealed class FeederLease(Scheduler scheduler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            if (scheduler.IsOnSchedulerThread && !scheduler._draining) ReleaseNow();
            else if (scheduler.IsOnSchedulerThread) scheduler._leases--;
            else scheduler.Post(() => scheduler._leases--);

            void ReleaseNow()
            {
                scheduler._leases--;
                // Releasing the last lease may turn an idle scheduler into a deadlocked one: let the host re-check.
                scheduler.SignalWorkAvailable();
            }
        }
    }
}
