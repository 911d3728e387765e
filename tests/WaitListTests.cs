using System;
using System.Collections.Generic;
using CoSched;
using Xunit;

namespace CoSched.Tests;

/// <summary>The wait list against a plain list: order, membership and bounded storage under random waits and cancels.</summary>
public class WaitListTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Random_adds_removals_and_cancels_match_a_fifo_model(int seed)
    {
        var scheduler = new Scheduler();
        var pool = new List<Coroutine>();
        for (int i = 0; i < 64; i++) pool.Add(Coroutine<VoidResult>.Rent(scheduler, null, static () => CoTask.CompletedTask));
        var list = new WaitList();
        var model = new List<Coroutine>();
        var rng = new Random(seed);
        int maxLive = 0;
        for (int step = 0; step < 50_000; step++)
        {
            int op = rng.Next(10);
            if (op < 4)
            {
                // A coroutine that is not waiting starts to wait.
                Coroutine co = pool[rng.Next(pool.Count)];
                if (co.InWaitList) continue;
                list.Add(co);
                model.Add(co);
            }
            else if (op < 7)
            {
                Coroutine? first = list.RemoveFirst();
                if (model.Count == 0) Assert.Null(first);
                else
                {
                    Assert.Same(model[0], first);
                    model.RemoveAt(0);
                    Assert.False(first!.InWaitList);
                }
            }
            else if (model.Count > 0)
            {
                // A cancel takes a waiter out from anywhere in the line.
                Coroutine co = model[rng.Next(model.Count)];
                Assert.True(co.InWaitList);
                list.Remove(co);
                model.Remove(co);
                Assert.False(co.InWaitList);
            }
            Assert.Equal(model.Count, list.Count);
            Assert.Same(model.Count == 0 ? null : model[0], list.First);
            maxLive = Math.Max(maxLive, model.Count);
            // Holes are squeezed out before the ring grows: it never holds more than twice the most waiters seen.
            Assert.True(list.RingCapacity <= Math.Max(4, 4 * maxLive), $"capacity {list.RingCapacity} for at most {maxLive} waiters");
        }
        // Drain: the rest come out in order.
        foreach (Coroutine expected in model) Assert.Same(expected, list.RemoveFirst());
        Assert.Null(list.RemoveFirst());
    }

    [Fact]
    public void Cancelling_every_waiter_but_the_first_keeps_the_ring_small()
    {
        // One coroutine stays at the head while a million others each wait and are cancelled: holes must not pile up.
        var scheduler = new Scheduler();
        Coroutine head = Coroutine<VoidResult>.Rent(scheduler, null, static () => CoTask.CompletedTask);
        var others = new Coroutine[3];
        for (int i = 0; i < others.Length; i++) others[i] = Coroutine<VoidResult>.Rent(scheduler, null, static () => CoTask.CompletedTask);
        var list = new WaitList();
        list.Add(head);
        for (int i = 0; i < 1_000_000; i++)
        {
            Coroutine a = others[i % 3], b = others[(i + 1) % 3];
            list.Add(a);
            list.Add(b);
            list.Remove(b); // the newest leaves: a hole behind a
            list.Remove(a); // then a: the ring empties
        }
        Assert.Equal(1, list.Count);
        Assert.True(list.RingCapacity <= 4, $"capacity {list.RingCapacity}");
        Assert.Same(head, list.RemoveFirst());
    }
}
