using System;

namespace CoSched.Bench.Floor;

/// <summary>
/// The featureless floor of a cooperative scheduler, as in shared/BASELINES.md ("a custom task type with a pooled
/// builder and a ring-buffer ready queue, without cancellation or thread checks"): a FIFO ring of boxes drained in
/// rounds. It measures what a pause costs with none of CoSched's promises (cancellation, thread checks, AsyncLocal flow,
/// wait-state tracking, fault isolation, budgets), so a CoSched row can be read as a multiple of it on any machine.
/// </summary>
internal sealed class FloorScheduler
{
    /// <summary>The scheduler the floor's awaits queue on (one per process: the floor is single-threaded by fiat).</summary>
    internal static FloorScheduler Current = null!;

    private struct Slot
    {
        public FloorBox? Box;
    }

    private readonly Slot[] _ring = new Slot[64];
    private int _head;
    private int _count;

    internal void Enqueue(FloorBox box)
    {
        if (_count == _ring.Length) throw new InvalidOperationException("the floor's ring is full");
        _ring[(_head + _count) & (_ring.Length - 1)].Box = box;
        _count++;
    }

    /// <summary>Runs rounds until nothing is queued.</summary>
    internal void Drain()
    {
        while (_count > 0)
        {
            for (int n = _count; n > 0; n--)
            {
                FloorBox box = _ring[_head].Box!;
                _head = (_head + 1) & (_ring.Length - 1);
                _count--;
                box.Resume();
            }
        }
    }
}
