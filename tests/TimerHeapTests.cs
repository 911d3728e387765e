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
        for (int step = 0; step < 20000; step++)
        {
            int op = rng.Next(10);
            if (op < 5 || model.Count == 0)
            {
                var p = new Probe(nextId++);
                heap.Add(p, rng.Next(50)); // few distinct deadlines: many ties
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
    public void Readding_gives_a_new_arming_order()
    {
        var heap = new TimerHeap();
        var a = new Probe(0);
        var b = new Probe(1);
        heap.Add(a, 10);
        heap.Add(b, 10);
        heap.Remove(a);
        heap.Add(a, 10); // re-armed after b: fires after b
        Assert.Same(b, heap.PopMin());
        Assert.Same(a, heap.PopMin());
        Assert.Equal(0, heap.Count);
    }
}
