using System;

namespace CoSched.Bench.Floor;

/// <summary>
/// The featureless floor of a cooperative scheduler, as in shared/BASELINES.md ("a custom task type with a pooled
/// builder and a ring-buffer ready queue, without cancellation or thread checks"): a FIFO ring of boxes drained in
/// rounds. It measures what a pause, a spawn or a primitive's hand-off costs with none of CoSched's promises
/// (cancellation, thread checks, AsyncLocal flow, wait-state tracking, fault isolation, budgets, join results), so a
/// CoSched row can be read as a multiple of it on any machine.
/// </summary>
internal sealed class FloorScheduler
{
    /// <summary>The scheduler the floor's awaits queue on (one per process: the floor is single-threaded by fiat).</summary>
    internal static FloorScheduler Current = null!;

    /// <summary>A suspended method to resume, or a spawned body to start.</summary>
    private struct Slot
    {
        public FloorBox? Box;
        public Func<FloorTask>? Start;
    }

    private Slot[] _ring = new Slot[64];
    private int _head;
    private int _count;

    internal void Enqueue(FloorBox box)
    {
        if (_count == _ring.Length) Grow();
        _ring[(_head + _count) & (_ring.Length - 1)].Box = box;
        _count++;
    }

    /// <summary>Queues a body to start in the next round (as a CoSched spawn does).</summary>
    internal void Spawn(Func<FloorTask> body)
    {
        if (_count == _ring.Length) Grow();
        ref Slot slot = ref _ring[(_head + _count) & (_ring.Length - 1)];
        slot.Box = null; // a slot is a start when it holds no box (Drain reads the box first)
        slot.Start = body;
        _count++;
    }

    private void Grow()
    {
        var ring = new Slot[_ring.Length * 2];
        for (int i = 0; i < _count; i++) ring[i] = _ring[(_head + i) & (_ring.Length - 1)];
        _ring = ring;
        _head = 0;
    }

    /// <summary>Runs rounds until nothing is queued.</summary>
    internal void Drain()
    {
        while (_count > 0)
        {
            for (int n = _count; n > 0; n--)
            {
                // Slots are not cleared (as CoSched's ready ring): a stale reference only keeps a pooled box alive.
                ref Slot slot = ref _ring[_head];
                _head = (_head + 1) & (_ring.Length - 1);
                _count--;
                if (slot.Box is { } box) box.Resume();
                else slot.Start!();
            }
        }
    }
}
