using System;
using System.Collections.Generic;
using Xunit;

namespace CoSched.Tests;

public class TimerHeapTests
{
    private sealed class Probe(int id) : TimerEntry
    {
        public readonly int Id = id;

        internal override void Fire() { }
    }

    [Fact]
    public void Pops_in_deadline_then_arming_order_under_random_adds_and_removes()
    {
        var rng = new Random(12345);
        var heap = new TimerHeap();
        var model = new List<Probe>();
        int nextId = 0;
        long sequence = 0;
        for (int step = 0; step < 20000; step++)
        {
            int op = rng.Next(10);
            if (op < 5 || model.Count == 0)
            {
                var p = new Probe(nextId++) { Deadline = rng.Next(50), Sequence = sequence++ }; // few deadlines: many ties
                heap.Add(p);
                model.Add(p);
            }
            else if (op < 8)
            {
                Probe victim = model[rng.Next(model.Count)];
                heap.Remove(victim);
                Assert.False(victim.IsScheduled);
                model.Remove(victim);
            }
            else
            {
                Probe expected = model[0];
                foreach (Probe p in model)
                    if (p.Deadline < expected.Deadline || (p.Deadline == expected.Deadline && p.Sequence < expected.Sequence)) expected = p;
                Assert.Same(expected, heap.Min);
                Assert.Same(expected, heap.PopMin());
                model.Remove(expected);
            }
            Assert.Equal(model.Count, heap.Count);
        }
    }

    [Fact]
    public void Zero_delay_timers_merge_with_due_heap_timers_in_timer_order()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var order = new List<string>();
        s.Spawn(async () => { await Co.Sleep(TimeSpan.FromMilliseconds(2)); order.Add("2ms"); });
        s.Spawn(async () => { await Co.Sleep(TimeSpan.FromMilliseconds(1)); order.Add("1ms"); });
        s.Spawn(async () =>
        {
            await Co.Sleep(TimeSpan.Zero); // dated t = 0: before both
            order.Add("zero@0");
            loop.Clock.Advance(TimeSpan.FromMilliseconds(5)); // both sleeps come due, unchecked yet
            await Co.Sleep(TimeSpan.Zero); // dated by the last check (t = 0): it still resumes first
            order.Add("zero@5");
        });
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.Equal(new[] { "zero@0", "zero@5", "1ms", "2ms" }, order);
    }

    [Fact]
    public void Rearming_gives_a_new_arming_order()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var a = new CoTimer(s, TimeSpan.FromSeconds(1));
        var b = new CoTimer(s, TimeSpan.FromSeconds(1));
        a.Reset(TimeSpan.FromSeconds(1)); // re-armed after b, same deadline: fires after b
        var order = new List<string>();
        s.Spawn(async () => { await a.Wait(); order.Add("a"); });
        s.Spawn(async () => { await b.Wait(); order.Add("b"); });
        loop.RunUntilIdle();
        Assert.Equal(new[] { "b", "a" }, order);
    }
}
