using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CoSched;
using Xunit;

namespace CoSched.Tests;

public class CoQueueTests
{
    private static CoQueue<int> Make(Scheduler s, QueueKind kind, int capacity) => kind switch
    {
        QueueKind.Unbounded => CoQueue<int>.Unbounded(s),
        QueueKind.Blocking => CoQueue<int>.Blocking(capacity, s),
        QueueKind.DiscardOldest => CoQueue<int>.DiscardOldest(capacity, s),
        _ => CoQueue<int>.DiscardLatest(capacity, s),
    };

    private static List<int> DrainWithTryGet(CoQueue<int> q)
    {
        var items = new List<int>();
        while (q.TryGet(out int x)) items.Add(x);
        return items;
    }

    [Fact]
    public void Readers_are_served_FIFO()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Unbounded(s);
        var log = new List<string>();
        foreach (string name in new[] { "a", "b", "c" })
            s.Spawn(async () => log.Add($"{name}={await q.Get()}"));
        s.RunUntilIdle();
        Assert.Equal(3, q.ParkedReaders);
        Assert.True(q.TryPut(1));
        Assert.True(q.TryPut(2));
        Assert.True(q.TryPut(3));
        Assert.Equal(0, q.Count); // handed straight to the parked readers, never buffered
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(new[] { "a=1", "b=2", "c=3" }, log);
    }

    [Fact]
    public void Writers_on_a_full_blocking_queue_wait_FIFO()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Blocking(1, s);
        Assert.True(q.TryPut(0));
        var log = new List<string>();
        for (int i = 1; i <= 3; i++)
        {
            int v = i * 10;
            s.Spawn(async () => { await q.Put(v); log.Add($"put {v}"); });
        }
        s.RunUntilIdle();
        Assert.Equal(3, q.ParkedWriters);
        Assert.Equal(1, q.Count); // items of waiting writers are not in the queue
        Assert.Empty(log);

        var got = new List<int>();
        for (int i = 0; i < 4; i++)
        {
            Assert.True(q.TryGet(out int x));
            got.Add(x);
            s.RunUntilIdle();
        }
        Assert.Equal(new[] { 0, 10, 20, 30 }, got);
        Assert.Equal(new[] { "put 10", "put 20", "put 30" }, log);
    }

    [Fact]
    public void Blocking_2_interleaves_puts_and_gets()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Blocking(2, s);
        var log = new List<string>();
        s.Spawn(async () =>
        {
            for (int i = 0; i < 4; i++)
            {
                await q.Put(i);
                log.Add($"put {i}");
            }
        }, "producer");
        s.Spawn(async () =>
        {
            for (int i = 0; i < 4; i++)
            {
                log.Add($"get {await q.Get()}");
                await Co.Pause();
            }
        }, "consumer");
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(new[] { "put 0", "put 1", "get 0", "put 2", "get 1", "put 3", "get 2", "get 3" }, log);
    }

    [Fact]
    public void Rendezvous_put_waits_for_a_reader()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Blocking(0, s);
        Assert.False(q.TryPut(7)); // nobody to hand it to
        var log = new List<string>();
        s.Spawn(async () => { await q.Put(1); log.Add("put 1 returned"); });
        s.RunUntilIdle();
        Assert.Equal(0, q.Count);
        Assert.Equal(1, q.ParkedWriters);
        Assert.Empty(log);

        Assert.True(q.TryGet(out int x)); // takes straight from the waiting writer
        Assert.Equal(1, x);
        s.RunUntilIdle();
        Assert.Equal(new[] { "put 1 returned" }, log);

        s.Spawn(async () => log.Add($"got {await q.Get()}"));
        s.RunUntilIdle();
        Assert.True(q.TryPut(2)); // a reader waits: accepted
        s.RunUntilIdle();
        Assert.Equal("got 2", log[^1]);
        Assert.Equal(0, q.Count);
    }

    [Fact]
    public void DiscardOldest_2_after_1_2_3_keeps_2_3()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.DiscardOldest(2, s);
        s.Spawn(async () => { await q.Put(1); await q.Put(2); await q.Put(3); });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(new[] { 2, 3 }, DrainWithTryGet(q));
    }

    [Fact]
    public void DiscardLatest_2_after_1_2_3_keeps_1_2()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.DiscardLatest(2, s);
        s.Spawn(async () => { await q.Put(1); await q.Put(2); await q.Put(3); });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(new[] { 1, 2 }, DrainWithTryGet(q));
    }

    [Fact]
    public void Discarding_kinds_with_capacity_0_only_hand_off()
    {
        var s = new Scheduler();
        foreach (QueueKind kind in new[] { QueueKind.DiscardOldest, QueueKind.DiscardLatest })
        {
            var q = Make(s, kind, 0);
            var log = new List<int>();
            s.Spawn(async () => { await q.Put(1); log.Add(await q.Get()); });
            s.RunUntilIdle(); // put 1 dropped (no reader), then the coroutine waits in Get
            s.Spawn(async () => await q.Put(2));
            s.RunUntilIdle();
            Assert.Equal(new[] { 2 }, log);
            Assert.Equal(0, q.Count);
        }
    }

    [Theory]
    [InlineData(QueueKind.Blocking, 2)]
    [InlineData(QueueKind.Blocking, 0)]
    [InlineData(QueueKind.DiscardOldest, 2)]
    [InlineData(QueueKind.DiscardLatest, 2)]
    public void TryPut_returns_false_when_full_and_changes_nothing(QueueKind kind, int capacity)
    {
        var s = new Scheduler();
        var q = Make(s, kind, capacity);
        for (int i = 0; i < capacity; i++) Assert.True(q.TryPut(i));
        Assert.False(q.TryPut(99));
        Assert.Equal(capacity, q.Count);
        var expected = new List<int>();
        for (int i = 0; i < capacity; i++) expected.Add(i);
        Assert.Equal(expected, DrainWithTryGet(q));
    }

    [Fact]
    public void TryPut_on_an_unbounded_queue_always_succeeds_and_keeps_order()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Unbounded(s);
        for (int i = 0; i < 10_000; i++) Assert.True(q.TryPut(i));
        Assert.Equal(10_000, q.Count);
        List<int> got = DrainWithTryGet(q);
        for (int i = 0; i < 10_000; i++) Assert.Equal(i, got[i]);
    }

    [Fact]
    public void Unbounded_ring_keeps_order_across_wraparound_and_growth()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Unbounded(s);
        int next = 0, expect = 0;
        for (int round = 0; round < 50; round++)
        {
            for (int i = 0; i < round % 23 + 1; i++) q.TryPut(next++);
            for (int i = 0; i < round % 17 + 1 && q.TryGet(out int x); i++) Assert.Equal(expect++, x);
        }
        while (q.TryGet(out int x)) Assert.Equal(expect++, x);
        Assert.Equal(next, expect);
    }

    [Fact]
    public void Close_lets_buffered_items_drain_then_gets_throw()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Blocking(4, s);
        q.TryPut(1);
        q.TryPut(2);
        q.Close();
        Assert.True(q.IsClosed);
        Assert.Throws<QueueClosedException>(() => q.TryPut(3));
        var log = new List<string>();
        s.Spawn(async () =>
        {
            log.Add($"got {await q.Get()}");
            log.Add($"got {await q.Get()}");
            try { await q.Get(); }
            catch (QueueClosedException) { log.Add("closed"); }
            try { await q.Put(5); }
            catch (QueueClosedException) { log.Add("put closed"); }
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(new[] { "got 1", "got 2", "closed", "put closed" }, log);
        Assert.Throws<QueueClosedException>(() => q.TryGet(out _));
    }

    [Fact]
    public void Close_with_clear_drops_buffered_items()
    {
        var s = new Scheduler();
        var q = CoQueue<string>.Unbounded(s);
        q.TryPut("a");
        q.TryPut("b");
        q.Close(clear: true);
        Assert.Equal(0, q.Count);
        Assert.Throws<QueueClosedException>(() => q.TryGet(out _));
    }

    [Fact]
    public void Closing_again_keeps_the_first_error_and_can_still_clear()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Unbounded(s);
        var first = new TimeoutException("first");
        q.TryPut(1);
        q.Close(first);
        q.Close(new InvalidOperationException("second"));
        Assert.Equal(1, q.Count);
        q.Close(clear: true);
        Assert.Equal(0, q.Count);
        Assert.Same(first, Assert.Throws<TimeoutException>(() => q.TryGet(out _)));
    }

    [Fact]
    public void Close_fails_parked_readers_and_writers_with_the_error()
    {
        var s = new Scheduler();
        var readers = CoQueue<int>.Unbounded(s);
        var writers = CoQueue<int>.Blocking(0, s);
        var log = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            int id = i;
            s.Spawn(async () =>
            {
                try { await readers.Get(); }
                catch (QueueClosedException) { log.Add($"reader {id} closed"); }
            });
            s.Spawn(async () =>
            {
                try { await writers.Put(id); log.Add("put returned"); }
                catch (TimeoutException e) { log.Add($"writer {id} {e.Message}"); }
            });
        }
        s.RunUntilIdle();
        readers.Close();
        writers.Close(new TimeoutException("boom"));
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(new[] { "reader 0 closed", "reader 1 closed", "writer 0 boom", "writer 1 boom" }, log);
        Assert.Equal(0, writers.Count); // the waiting writers' items were not put
        Assert.Throws<TimeoutException>(() => writers.TryGet(out _));
    }

    [Fact]
    public void A_reader_cancelled_after_the_hand_off_returns_the_value()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Unbounded(s);
        var log = new List<string>();
        CoroutineHandle reader = s.Spawn(async () =>
        {
            log.Add($"got {await q.Get()}");
            try { await Co.Pause(); }
            catch (CancelledException) { log.Add("cancel at next suspension"); throw; }
        });
        s.RunUntilIdle();
        Assert.True(q.TryPut(42)); // handed to the parked reader, which is now queued to resume
        reader.Cancel();
        s.RunUntilIdle();
        Assert.Equal(new[] { "got 42", "cancel at next suspension" }, log);
        Assert.Equal(CoroutineState.Cancelled, reader.State);
        Assert.Equal(0, q.Count);
    }

    [Fact]
    public void A_reader_cancelled_while_waiting_takes_nothing()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Unbounded(s);
        var log = new List<string>();
        CoroutineHandle first = s.Spawn(async () => log.Add($"first got {await q.Get()}"));
        s.Spawn(async () => log.Add($"second got {await q.Get()}"));
        s.RunUntilIdle();
        first.Cancel();
        Assert.Equal(1, q.ParkedReaders); // removed at once
        s.RunUntilIdle();
        Assert.Equal(CoroutineState.Cancelled, first.State);
        q.TryPut(5);
        q.TryPut(6);
        s.RunUntilIdle();
        Assert.Equal(new[] { "second got 5" }, log);
        Assert.Equal(1, q.Count); // 6 stays in the queue: nothing lost
    }

    [Fact]
    public void A_writer_cancelled_while_waiting_has_not_put_its_item()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Blocking(1, s);
        q.TryPut(1);
        var log = new List<string>();
        CoroutineHandle w2 = s.Spawn(async () => { await q.Put(2); log.Add("2 put"); });
        s.Spawn(async () => { await q.Put(3); log.Add("3 put"); });
        s.RunUntilIdle();
        w2.Cancel();
        s.RunUntilIdle();
        Assert.Equal(CoroutineState.Cancelled, w2.State);
        Assert.True(q.TryGet(out int a));
        s.RunUntilIdle();
        Assert.True(q.TryGet(out int b));
        Assert.Equal((1, 3), (a, b));
        Assert.Equal(new[] { "3 put" }, log);
        Assert.False(q.TryGet(out _));
    }

    [Fact]
    public void A_writer_cancelled_after_its_item_was_accepted_returns_normally()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Blocking(1, s);
        q.TryPut(1);
        var log = new List<string>();
        CoroutineHandle w = s.Spawn(async () => { await q.Put(2); log.Add("2 put"); });
        s.RunUntilIdle();
        Assert.True(q.TryGet(out _)); // makes room: 2 moves into the buffer, the writer is woken
        w.Cancel();
        s.RunUntilIdle();
        Assert.Equal(new[] { "2 put" }, log);
        Assert.Equal(CoroutineState.Done, w.State);
        Assert.True(q.TryGet(out int x));
        Assert.Equal(2, x);
    }

    [Fact]
    public void An_available_item_wins_over_a_pending_cancel()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Unbounded(s);
        q.TryPut(1);
        var log = new List<string>();
        CoroutineHandle h = s.Spawn(async () =>
        {
            log.Add($"got {await q.Get()}"); // completes without suspending
            try { await q.Get(); }
            catch (CancelledException) { log.Add("cancelled at the suspension"); }
        });
        h.Cancel(); // before it starts: the body still starts (spawn shield)
        s.RunUntilIdle();
        Assert.Equal(new[] { "got 1", "cancelled at the suspension" }, log);
    }

    [Fact]
    public void Await_foreach_reads_until_the_queue_closes()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Blocking(1, s);
        var got = new List<int>();
        s.Spawn(async () =>
        {
            for (int i = 1; i <= 5; i++) await q.Put(i);
            q.Close();
        });
        s.Spawn(async () => { await foreach (int x in q) got.Add(x); got.Add(-1); });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, -1 }, got);
    }

    [Fact]
    public void Await_foreach_rethrows_the_close_error_after_draining()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Unbounded(s);
        var got = new List<int>();
        q.TryPut(1);
        q.Close(new TimeoutException("producer failed"));
        s.Spawn(async () =>
        {
            try { await foreach (int x in q) got.Add(x); }
            catch (TimeoutException) { got.Add(-1); }
        });
        s.RunUntilIdle();
        Assert.Equal(new[] { 1, -1 }, got);
    }

    [Fact]
    public void Await_foreach_token_ends_a_waiting_read()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Unbounded(s);
        using var cts = new CancellationTokenSource();
        var log = new List<string>();
        s.Spawn(async () =>
        {
            CoQueueEnumerator<int> e = q.GetAsyncEnumerator(cts.Token);
            try
            {
                while (await e.MoveNextAsync()) log.Add($"got {e.Current}");
            }
            catch (OperationCanceledException oce) when (oce is not CancelledException)
            {
                log.Add("token");
            }
            finally
            {
                await e.DisposeAsync();
            }
        });
        s.RunUntilIdle();
        q.TryPut(1);
        s.RunUntilIdle();
        Assert.Equal(1, q.ParkedReaders);
        cts.Cancel(); // posts the cancel to the scheduler's inbox
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(new[] { "got 1", "token" }, log);
        Assert.Equal(0, q.ParkedReaders);
        q.TryPut(2);
        Assert.Equal(1, q.Count); // nothing was taken by the cancelled read
    }

    [Fact]
    public void Await_foreach_through_the_interface_waits_and_reads_everything()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Unbounded(s);
        using var cts = new CancellationTokenSource();
        var got = new List<int>();
        s.Spawn(async () =>
        {
            // WithCancellation is the IAsyncEnumerable<T> extension: the .NET await path.
            await foreach (int x in q.WithCancellation(cts.Token)) got.Add(x);
            got.Add(-1);
        });
        s.Spawn(async () =>
        {
            for (int i = 1; i <= 3; i++)
            {
                await Co.Pause();
                await Co.Pause();
                await q.Put(i);
            }
            await Co.Pause();
            q.Close();
        });
        DrainResult r = s.RunUntilIdle();
        Assert.Equal(DrainStatus.Completed, r.Status);
        Assert.Equal(new[] { 1, 2, 3, -1 }, got);
    }

    [Fact]
    public void Deadlock_report_names_the_queue_operation()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Unbounded(s);
        var full = CoQueue<int>.Blocking(0, s);
        s.Spawn(async () => await q.Get(), "reader");
        s.Spawn(async () => await full.Put(1), "writer");
        DrainResult r = s.RunUntilIdle();
        Assert.Equal(DrainStatus.Deadlock, r.Status);
        IReadOnlyList<BlockedCoroutine> blocked = s.DescribeCoroutines();
        Assert.Contains(blocked, b => b.Name == "reader" && b.WaitingOn == "CoQueue<Int32>.Get (1 reader parked)");
        Assert.Contains(blocked, b => b.Name == "writer" && b.WaitingOn.StartsWith("CoQueue<Int32>.Put (1 writer parked", StringComparison.Ordinal));
    }

    [Fact]
    public void Waiter_nodes_are_reused_across_cancelled_waits()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Unbounded(s);
        for (int i = 0; i < 1000; i++)
        {
            CoroutineHandle h = s.Spawn(async () => await q.Get());
            s.RunUntilIdle();
            h.Cancel();
            s.RunUntilIdle();
            Assert.Equal(0, q.ParkedReaders);
        }
        Assert.Equal(1, q.PooledWaiters);
    }

    [Fact]
    public void Negative_capacity_is_rejected()
    {
        var s = new Scheduler();
        Assert.Throws<ArgumentOutOfRangeException>(() => CoQueue<int>.Blocking(-1, s));
        Assert.Throws<ArgumentOutOfRangeException>(() => CoQueue<int>.DiscardOldest(-1, s));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CoQueue<int>.DiscardLatest(-5, s));
        Assert.Contains("capacity", e.Message);
    }

    [Fact]
    public void Creating_without_a_scheduler_outside_a_coroutine_says_what_to_do()
    {
        var e = Assert.Throws<InvalidOperationException>(() => CoQueue<int>.Unbounded());
        Assert.Contains("scheduler", e.Message);
    }

    [Fact]
    public void Created_inside_a_coroutine_it_binds_to_that_scheduler()
    {
        var s = new Scheduler();
        CoroutineHandle<int> h = s.Spawn(async () =>
        {
            var q = CoQueue<int>.Blocking(1);
            await q.Put(3);
            return await q.Get();
        });
        s.RunUntilIdle();
        Assert.True(h.TryGetResult(out int v));
        Assert.Equal(3, v);
    }

    [Fact]
    public void Get_outside_a_coroutine_throws_invalid_operation()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Unbounded(s);
        // Checked at the await (GetAwaiter), where the queue would change; creating the awaitable touches nothing.
        Assert.Throws<InvalidOperationException>(() => q.Get().GetAwaiter());
        Assert.Throws<InvalidOperationException>(() => q.Put(1).GetAwaiter());
        Assert.Equal(0, q.Count);
    }

    [Fact]
    public void Calls_from_another_thread_throw_WrongThreadException()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Unbounded(s);
        var errors = new List<Exception?>();
        var t = new Thread(() =>
        {
            errors.Add(Record(() => q.TryPut(1)));
            errors.Add(Record(() => q.TryGet(out _)));
            errors.Add(Record(() => q.Get().GetAwaiter()));
            errors.Add(Record(() => q.Put(1).GetAwaiter()));
            errors.Add(Record(() => q.Close()));
            errors.Add(Record(() => _ = q.Count));
            errors.Add(Record(() => q.GetAsyncEnumerator()));
        });
        t.Start();
        t.Join();
        Assert.Equal(7, errors.Count);
        Assert.All(errors, e => Assert.IsType<WrongThreadException>(e));
        Assert.Equal(0, q.Count);
        Assert.False(q.IsClosed);
    }

    internal static Exception? Record(Action action)
    {
        try { action(); return null; }
        catch (Exception e) { return e; }
    }
}
