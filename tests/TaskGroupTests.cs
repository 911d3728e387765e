using System;
using System.Collections.Generic;
using CoSched;
using Xunit;

namespace CoSched.Tests;

public class TaskGroupTests
{
    private readonly Scheduler _s = new();
    private readonly List<string> _log = new();
    private readonly TestGate _gate = new();

    private void Log(string s) => _log.Add(s);

    private void AssertBefore(string first, string second)
    {
        int a = _log.IndexOf(first), b = _log.IndexOf(second);
        Assert.True(a >= 0, $"'{first}' missing from [{string.Join(", ", _log)}]");
        Assert.True(b >= 0, $"'{second}' missing from [{string.Join(", ", _log)}]");
        Assert.True(a < b, $"expected '{first}' before '{second}' in [{string.Join(", ", _log)}]");
    }

    [Fact]
    public void Caller_resumes_only_after_every_child_has_ended()
    {
        CoroutineHandle main = _s.RunAsyncMain(async () =>
        {
            await Co.WithTaskGroup(async g =>
            {
                g.Spawn(async () => { await _gate.Wait(); Log("a"); });
                g.Spawn(async () => { await Co.Pause(); Log("b"); });
                Log("body");
                await Co.Pause();
            });
            Log("after");
        });
        Assert.Equal(new[] { "body", "b" }, _log);
        Assert.False(main.IsCompleted);
        _gate.Open();
        _s.RunUntilIdle();
        Assert.Equal(new[] { "body", "b", "a", "after" }, _log);
        Assert.Equal(CoroutineState.Done, main.State);
    }

    [Fact]
    public void First_failure_cancels_siblings_and_is_rethrown_after_all_have_ended()
    {
        var first = new InvalidOperationException("first");
        Exception? caught = null;
        _s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.WithTaskGroup(async g =>
                {
                    g.Spawn(async () =>
                    {
                        try { await _gate.Wait(); Log("b completed"); }
                        catch (CancelledException)
                        {
                            Log("b cancelled");
                            await Co.ProtectFromCancel(async () => { await Co.Pause(); await Co.Pause(); Log("b cleanup done"); });
                            throw;
                        }
                    });
                    g.Spawn(async () => { await Co.Pause(); Log("a fails"); throw first; });
                    g.Spawn(async () =>
                    {
                        try { await _gate.Wait(); }
                        catch (CancelledException) { Log("c fails while cancelled"); throw new FormatException("second"); }
                    });
                    await _gate.Wait();
                });
            }
            catch (Exception e)
            {
                caught = e;
                Log("caller caught");
            }
        });
        Assert.Same(first, caught); // the first failure, not the later one
        AssertBefore("a fails", "b cancelled");
        AssertBefore("b cleanup done", "caller caught");
        AssertBefore("c fails while cancelled", "caller caught");
        Assert.DoesNotContain("b completed", _log);
    }

    [Fact]
    public void A_child_cancelled_individually_is_not_a_failure()
    {
        CoroutineState state = default;
        CoroutineHandle main = _s.RunAsyncMain(async () =>
        {
            await Co.WithTaskGroup(async g =>
            {
                CoroutineHandle h = g.Spawn(async () => { await _gate.Wait(); });
                await Co.Pause();
                h.Cancel();
                g.AddDefer(() => state = h.State);
            });
            Log("group succeeded");
        });
        Assert.Equal(CoroutineState.Done, main.State);
        Assert.Equal(CoroutineState.Cancelled, state);
        Assert.Contains("group succeeded", _log);
    }

    [Fact]
    public void A_CancelledException_thrown_without_being_cancelled_is_a_failure()
    {
        var fake = new CancelledException("not a real cancel");
        Exception? caught = null;
        _s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.WithTaskGroup(async g =>
                {
                    g.Spawn(async () => { try { await _gate.Wait(); } catch (CancelledException) { Log("sibling cancelled"); throw; } });
                    g.Spawn(async () => { await Co.Pause(); throw fake; });
                    await Co.Pause();
                });
            }
            catch (Exception e) { caught = e; }
        });
        Assert.Same(fake, caught);
        Assert.Contains("sibling cancelled", _log);
    }

    [Fact]
    public void Nested_groups_each_see_the_error()
    {
        var boom = new FormatException("boom");
        Exception? innerSaw = null, outerSaw = null;
        _s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.WithTaskGroup(async outer =>
                {
                    outer.Spawn(async () =>
                    {
                        try
                        {
                            await Co.WithTaskGroup(async inner =>
                            {
                                inner.Spawn(async () => { await Co.Pause(); throw boom; });
                                inner.Spawn(async () => { try { await _gate.Wait(); } finally { Log("inner sibling ended"); } });
                                await Co.Pause();
                            });
                        }
                        catch (Exception e) { innerSaw = e; throw; }
                    });
                    outer.Spawn(async () => { try { await _gate.Wait(); } finally { Log("outer sibling ended"); } });
                    await Co.Pause();
                });
            }
            catch (Exception e) { outerSaw = e; }
        });
        Assert.Same(boom, innerSaw);
        Assert.Same(boom, outerSaw);
        Assert.Contains("inner sibling ended", _log);
        Assert.Contains("outer sibling ended", _log);
    }

    [Fact]
    public void Caller_cancelled_cancels_the_children_and_waits_for_them_shielded()
    {
        CoroutineHandle main = _s.Spawn(async () =>
        {
            try
            {
                await Co.WithTaskGroup(async g =>
                {
                    g.Spawn(async () =>
                    {
                        try { await _gate.Wait(); }
                        catch (CancelledException)
                        {
                            Log("child cancelled");
                            await Co.ProtectFromCancel(async () => { await Co.Pause(); await Co.Pause(); Log("child cleanup done"); });
                            throw;
                        }
                    });
                    try { await _gate.Wait(); } finally { Log("body ended"); }
                });
            }
            catch (CancelledException) { Log("caller got CancelledException"); throw; }
        }, "main");
        _s.RunUntilIdle();
        Assert.Empty(_log);
        main.Cancel();
        _s.RunUntilIdle();
        Assert.Equal(CoroutineState.Cancelled, main.State);
        AssertBefore("child cancelled", "child cleanup done");
        AssertBefore("child cleanup done", "caller got CancelledException");
        AssertBefore("body ended", "caller got CancelledException");
        Assert.Equal(0, _s.LiveCoroutines);
    }

    [Fact]
    public void A_child_failure_during_the_callers_cancellation_replaces_the_cancellation()
    {
        var cleanupError = new FormatException("cleanup failed");
        Exception? caught = null;
        CoroutineHandle main = _s.Spawn(async () =>
        {
            try
            {
                await Co.WithTaskGroup(async g =>
                {
                    g.Spawn(async () =>
                    {
                        try { await _gate.Wait(); }
                        catch (CancelledException) { throw cleanupError; }
                    });
                    await _gate.Wait();
                });
            }
            catch (Exception e) { caught = e; }
        });
        _s.RunUntilIdle();
        main.Cancel();
        _s.RunUntilIdle();
        Assert.Same(cleanupError, caught); // a real failure is not hidden behind the cancellation
    }

    [Fact]
    public void A_caller_cancelled_after_the_waited_for_children_ended_still_gets_the_result()
    {
        int result = 0;
        CoroutineHandle main = _s.Spawn(async () =>
        {
            result = await Co.WithTaskGroup<int>(g =>
            {
                g.Spawn(async () =>
                {
                    try { await _gate.Wait(); }
                    catch (CancelledException)
                    {
                        await Co.ProtectFromCancel(async () => { await Co.Pause(); Log("noWait cleanup"); });
                        throw;
                    }
                }, noWait: true);
                return CoTask.FromResult(8); // the group is done; only the no-wait child is left, being cancelled
            });
            Log("returned");
        });
        _s.RunUntilIdle(DrainBudget.Steps(3)); // main parks, the body returns, the no-wait child starts its cleanup
        main.Cancel();
        _s.RunUntilIdle();
        Assert.Equal(8, result);
        Assert.Equal(new[] { "noWait cleanup", "returned" }, _log);
        Assert.Equal(CoroutineState.Done, main.State); // it ended without suspending again
    }

    [Fact]
    public void A_group_opened_by_an_already_cancelled_caller_starts_its_body_which_runs_its_finally()
    {
        CoroutineHandle main = _s.Spawn(async () =>
        {
            try { await _gate.Wait(); } catch (CancelledException) { Log("caught"); }
            try
            {
                await Co.WithTaskGroup(async g =>
                {
                    Log("body start");
                    try { await Co.Pause(); Log("not reached"); }
                    finally { Log("body finally"); }
                });
            }
            catch (CancelledException) { Log("group cancelled"); }
        });
        _s.RunUntilIdle();
        main.Cancel();
        _s.RunUntilIdle();
        Assert.Equal(new[] { "caught", "body start", "body finally", "group cancelled" }, _log);
    }

    [Fact]
    public void Sticky_cancel_is_delivered_again_at_every_suspension_across_nested_awaits()
    {
        var boom = new FormatException();
        _s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.WithTaskGroup(async g =>
                {
                    g.Spawn(async () =>
                    {
                        try { await Inner(); }
                        catch (CancelledException) { Log("outer frame caught"); }
                        Log(Co.IsBeingCancelled ? "still cancelled" : "cleared");
                        try { await Co.Pause(); }
                        catch (CancelledException) { Log("again"); throw; }
                    });
                    g.Spawn(async () => { await Co.Pause(); throw boom; });
                    await Co.Pause();
                });
            }
            catch (FormatException) { Log("group failed"); }
        });
        Assert.Equal(new[] { "inner caught", "outer frame caught", "still cancelled", "again", "group failed" }, _log);

        async CoTask Inner()
        {
            try { await _gate.Wait(); }
            catch (CancelledException) { Log("inner caught"); }
            await Co.Pause(); // the flag is sticky: this throws at once
            Log("not reached");
        }
    }

    [Fact]
    public void An_immediately_cancelled_child_still_runs_its_start_and_its_finally()
    {
        CoroutineState state = default;
        _s.RunAsyncMain(async () =>
        {
            await Co.WithTaskGroup(async g =>
            {
                CoroutineHandle h = g.Spawn(async () =>
                {
                    Log("start");
                    try { await Co.Pause(); Log("not reached"); }
                    finally { Log("finally"); }
                });
                h.Cancel(); // before its first step
                g.AddDefer(() => state = h.State);
            });
            Log("group succeeded");
        });
        Assert.Equal(new[] { "start", "finally", "group succeeded" }, _log);
        Assert.Equal(CoroutineState.Cancelled, state);
    }

    [Fact]
    public void Spawning_while_the_group_is_cancelling_starts_the_child_cancelled()
    {
        CoroutineState lateState = default;
        _s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.WithTaskGroup(async g =>
                {
                    g.Spawn(async () =>
                    {
                        try { await _gate.Wait(); }
                        finally
                        {
                            Assert.True(g.IsCancelling);
                            CoroutineHandle late = g.Spawn(async () =>
                            {
                                Log("late start");
                                try { await Co.Pause(); Log("late not reached"); }
                                finally { Log("late finally"); }
                            });
                            g.AddDefer(() => lateState = late.State);
                        }
                    });
                    g.Spawn(async () => { await Co.Pause(); throw new InvalidOperationException("boom"); });
                    await Co.Pause();
                });
            }
            catch (InvalidOperationException e) when (e.Message == "boom") { Log("caught"); }
        });
        Assert.Equal(new[] { "late start", "late finally", "caught" }, _log);
        Assert.Equal(CoroutineState.Cancelled, lateState);
    }

    [Fact]
    public void NoWait_child_is_cancelled_once_the_main_child_finishes()
    {
        CoroutineHandle main = _s.RunAsyncMain(async () =>
        {
            await Co.WithTaskGroup(async g =>
            {
                g.Spawn(async () =>
                {
                    try { while (true) { await Co.Pause(); Log("tick"); } }
                    finally { Log("noWait finally"); }
                }, noWait: true);
                g.Spawn(async () => { await Co.Pause(); await Co.Pause(); await Co.Pause(); Log("main child done"); });
            });
            Log("after");
        });
        Assert.Equal(CoroutineState.Done, main.State);
        AssertBefore("tick", "main child done");
        AssertBefore("main child done", "noWait finally");
        AssertBefore("noWait finally", "after");
        Assert.Equal("tick", _log[_log.IndexOf("main child done") - 1]); // it ran alongside, then stopped at its next suspension
        Assert.Equal("noWait finally", _log[_log.IndexOf("main child done") + 1]);
    }

    [Fact]
    public void A_group_with_only_noWait_children_ends_when_the_body_returns()
    {
        _s.RunAsyncMain(async () =>
        {
            await Co.WithTaskGroup(g =>
            {
                g.SpawnBackground(async () => { try { await _gate.Wait(); } finally { Log("noWait ended"); } }, noWait: true);
                return CoTask.CompletedTask;
            });
            Log("after");
        });
        Assert.Equal(new[] { "noWait ended", "after" }, _log);
    }

    [Fact]
    public void Spawning_after_the_group_ended_throws_even_when_its_record_is_reused()
    {
        TaskGroup saved = default;
        Exception? e1 = null, e2 = null;
        _s.RunAsyncMain(async () =>
        {
            await Co.WithTaskGroup(g => { saved = g; return CoTask.CompletedTask; });
            e1 = Record(() => saved.Spawn(async () => await Co.Pause()));
            // The next group may reuse the pooled record: the old handle must still refuse.
            await Co.WithTaskGroup(async g =>
            {
                e2 = Record(() => saved.SpawnBackground(async () => await Co.Pause()));
                await Co.Pause();
            });
        });
        Assert.IsType<InvalidOperationException>(e1);
        Assert.IsType<InvalidOperationException>(e2);
        Assert.Contains("ended", e1!.Message);
    }

    [Fact]
    public void Spawning_or_adding_a_defer_from_a_defer_throws()
    {
        Exception? spawnError = null, deferError = null;
        _s.RunAsyncMain(async () =>
        {
            await Co.WithTaskGroup(g =>
            {
                g.AddDefer(() =>
                {
                    spawnError = Record(() => g.Spawn(async () => await Co.Pause()));
                    deferError = Record(() => g.AddDefer(() => { }));
                });
                return CoTask.CompletedTask;
            });
        });
        Assert.IsType<InvalidOperationException>(spawnError);
        Assert.IsType<InvalidOperationException>(deferError);
    }

    [Fact]
    public void Defers_run_LIFO_after_the_children_across_nested_groups()
    {
        _s.RunAsyncMain(async () =>
        {
            await Co.WithTaskGroup(async outer =>
            {
                outer.AddDefer(() => Log("outer 1"));
                outer.AddDefer(async () => { await Co.Pause(); Log("outer 2 (async)"); });
                outer.Spawn(async () =>
                {
                    await Co.WithTaskGroup(async inner =>
                    {
                        inner.AddDefer(() => Log("inner 1"));
                        inner.AddDefer(() => Log("inner 2"));
                        inner.Spawn(async () => { await Co.Pause(); Log("inner child"); });
                        await Co.Pause();
                    });
                    Log("inner group returned");
                });
                outer.Spawn(async () => { for (int i = 0; i < 5; i++) await Co.Pause(); Log("outer child"); });
                await Co.Pause();
            });
            Log("outer group returned");
        });
        Assert.Equal(new[] { "inner child", "inner 2", "inner 1", "inner group returned", "outer child", "outer 2 (async)", "outer 1", "outer group returned" }, _log);
    }

    [Fact]
    public void A_defer_error_replaces_success_but_not_an_earlier_failure()
    {
        var deferError = new FormatException("defer");
        var childError = new InvalidOperationException("child");
        Exception? first = null, second = null;
        _s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.WithTaskGroup(g =>
                {
                    g.AddDefer(() => Log("earlier defer still runs"));
                    g.AddDefer(() => throw deferError);
                    return CoTask.CompletedTask;
                });
            }
            catch (Exception e) { first = e; }
            try
            {
                await Co.WithTaskGroup(g =>
                {
                    g.AddDefer(() => throw deferError);
                    g.Spawn(async () => { await Co.Pause(); throw childError; });
                    return CoTask.CompletedTask;
                });
            }
            catch (Exception e) { second = e; }
        });
        Assert.Same(deferError, first);
        Assert.Same(childError, second);
        Assert.Equal(new[] { "earlier defer still runs" }, _log);
    }

    [Fact]
    public void ReturnImmediately_from_a_child_sets_the_result_cancels_the_rest_and_stops_the_child()
    {
        int result = 0;
        _s.RunAsyncMain(async () =>
        {
            result = await Co.WithTaskGroup<int>(async g =>
            {
                g.Spawn(async () => { await Co.Pause(); g.ReturnImmediately(7); Log("not reached"); });
                g.Spawn(async () => { try { await _gate.Wait(); } finally { Log("sibling finally"); } });
                try { await _gate.Wait(); } finally { Log("body finally"); }
                return 1;
            });
        });
        Assert.Equal(7, result);
        Assert.Contains("sibling finally", _log);
        Assert.Contains("body finally", _log);
        Assert.DoesNotContain("not reached", _log);
    }

    [Fact]
    public void ReturnImmediately_from_outside_the_group_ends_it_and_the_outsider_continues()
    {
        TaskGroup<int> saved = default;
        int r1 = 0, r2 = 0;
        CoroutineHandle main = _s.RunAsyncMain(async () =>
        {
            r1 = await Co.WithTaskGroup<int>(async g =>
            {
                saved = g;
                g.Spawn(async () => { try { await _gate.Wait(); } finally { Log("child finally"); } });
                await _gate.Wait();
                return 1;
            });
            r2 = await Co.WithTaskGroup<int>(async g =>
            {
                saved = g;
                await _gate.Wait();
                return 2;
            });
        });
        // From plain code on the scheduler's thread (outside any coroutine).
        saved.ReturnImmediately(42);
        _s.RunUntilIdle();
        Assert.Equal(42, r1);
        Assert.Contains("child finally", _log);
        // From another (top-level) coroutine: it is not a child, so it is not cancelled and carries on.
        _s.Spawn(async () => { saved.ReturnImmediately(43); await Co.Pause(); Log("outsider continued"); });
        _s.RunUntilIdle();
        Assert.Equal(43, r2);
        Assert.Contains("outsider continued", _log);
        Assert.Equal(CoroutineState.Done, main.State);
    }

    [Fact]
    public void The_first_of_the_body_return_and_ReturnImmediately_sets_the_result()
    {
        int result = 0;
        _s.RunAsyncMain(async () =>
        {
            result = await Co.WithTaskGroup<int>(g =>
            {
                g.Spawn(async () => { await Co.Pause(); g.ReturnImmediately(3); });
                return CoTask.FromResult(2); // the body ends first
            });
        });
        Assert.Equal(2, result);
    }

    [Fact]
    public void An_allowFailure_child_error_is_seen_through_its_handle_only()
    {
        var mine = new FormatException("mine");
        Exception? viaHandle = null, viaTryGet = null;
        CoroutineHandle main = _s.RunAsyncMain(async () =>
        {
            await Co.WithTaskGroup(async g =>
            {
                CoroutineHandle<int> h = g.Spawn<int>(async () => { await Co.Pause(); throw mine; }, allowFailure: true);
                CoroutineHandle<int> h2 = g.Spawn<int>(async () => { await Co.Pause(); throw mine; }, allowFailure: true);
                g.Spawn(async () => { for (int i = 0; i < 4; i++) await Co.Pause(); Log("sibling completed"); });
                try { await h.Wait(); } catch (Exception e) { viaHandle = e; }
                await Co.Pause();
                viaTryGet = Record(() => h2.TryGetResult(out _));
            });
            Log("group succeeded");
        });
        Assert.Equal(CoroutineState.Done, main.State);
        Assert.Same(mine, viaHandle);
        Assert.Same(mine, viaTryGet);
        Assert.Equal(new[] { "sibling completed", "group succeeded" }, _log);
    }

    [Fact]
    public void A_background_child_failure_fails_the_group()
    {
        var boom = new FormatException();
        Exception? caught = null;
        _s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.WithTaskGroup(g =>
                {
                    g.SpawnBackground(async () => { await Co.Pause(); throw boom; });
                    return CoTask.CompletedTask;
                });
            }
            catch (Exception e) { caught = e; }
        });
        Assert.Same(boom, caught);
    }

    [Fact]
    public void TryGetResult_before_and_after_completion_and_after_the_group_ended()
    {
        CoroutineHandle<int> saved = default;
        bool before = true, after = false, again = false;
        int v1 = 0, v2 = 0;
        _s.RunAsyncMain(async () =>
        {
            await Co.WithTaskGroup(async g =>
            {
                CoroutineHandle<int> h = g.Spawn(async () => { await Co.Pause(); return 5; });
                before = h.TryGetResult(out _);
                for (int i = 0; i < 3; i++) await Co.Pause();
                after = h.TryGetResult(out v1);
                again = h.TryGetResult(out v2); // TryGetResult does not consume the outcome
                saved = h;
            });
        });
        Assert.False(before);
        Assert.True(after);
        Assert.True(again);
        Assert.Equal(5, v1);
        Assert.Equal(5, v2);
        // The group has ended: its children's records are recycled and the handle refuses.
        Assert.Throws<InvalidOperationException>(() => saved.TryGetResult(out _));
    }

    [Fact]
    public void Wait_consumes_a_child_outcome_before_the_group_ends()
    {
        Exception? reuse = null;
        int value = 0;
        _s.RunAsyncMain(async () =>
        {
            await Co.WithTaskGroup(async g =>
            {
                CoroutineHandle<int> h = g.Spawn(async () => { await Co.Pause(); return 9; });
                value = await h.Wait();
                reuse = Record(() => h.TryGetResult(out _));
            });
        });
        Assert.Equal(9, value);
        Assert.IsType<InvalidOperationException>(reuse);
    }

    [Fact]
    public void A_completion_before_a_failure_in_the_same_round_stays_a_completion()
    {
        CoroutineState state = default;
        int value = 0;
        Exception? caught = null;
        _s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.WithTaskGroup(g =>
                {
                    CoroutineHandle<int> b = g.Spawn(async () => { await Co.Pause(); return 1; }); // queued first
                    g.Spawn(async () => { await Co.Pause(); throw new FormatException(); });     // fails later in the same round
                    g.AddDefer(() => { state = b.State; b.TryGetResult(out value); });
                    return CoTask.CompletedTask;
                });
            }
            catch (FormatException e) { caught = e; }
        });
        Assert.NotNull(caught);
        Assert.Equal(CoroutineState.Done, state);
        Assert.Equal(1, value);
    }

    [Fact]
    public void A_cancel_arriving_before_a_resumption_in_the_same_round_wins()
    {
        CoroutineState state = default;
        _s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.WithTaskGroup(g =>
                {
                    g.Spawn(async () => { await Co.Pause(); throw new FormatException(); });  // fails first in the round
                    CoroutineHandle<int> b = g.Spawn(async () => { await Co.Pause(); Log("b resumed normally"); return 1; });
                    g.AddDefer(() => state = b.State);
                    return CoTask.CompletedTask;
                });
            }
            catch (FormatException) { }
        });
        Assert.Equal(CoroutineState.Cancelled, state);
        Assert.Empty(_log);
    }

    [Fact]
    public void Caller_woken_by_the_group_end_and_cancelled_in_the_same_round_resumes_once_with_the_result()
    {
        CoroutineHandle main = default;
        int resumed = 0, result = 0;
        main = _s.Spawn(async () =>
        {
            result = await Co.WithTaskGroup<int>(async g =>
            {
                await _gate.Wait(); // the last child (the body) ends in the round the gate opens
                return 5;
            });
            resumed++;
            await Co.Pause(); // the sticky cancel is delivered here
            Log("not reached");
        });
        _s.RunUntilIdle(); // the body waits on the gate first...
        _s.Spawn(async () => { await _gate.Wait(); main.Cancel(); }); // ...so this runs after it in the round the gate opens
        _s.RunUntilIdle();
        _gate.Open();
        _s.RunUntilIdle();
        Assert.Equal(1, resumed);
        Assert.Equal(5, result);
        Assert.Equal(CoroutineState.Cancelled, main.State);
        Assert.Empty(_log);
    }

    [Fact]
    public void WithTaskGroup_outside_a_coroutine_throws_at_the_call()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Co.WithTaskGroup(g => CoTask.CompletedTask));
        Assert.Contains("Spawn", e.Message);
    }

    [Fact]
    public void Group_members_refuse_other_threads()
    {
        TaskGroup saved = default;
        _s.RunAsyncMain(async () =>
        {
            await Co.WithTaskGroup(async g => { saved = g; await _gate.Wait(); });
        });
        Exception? e = null;
        var t = new System.Threading.Thread(() => e = Record(() => saved.Spawn(async () => await Co.Pause())));
        t.Start();
        t.Join();
        Assert.IsType<WrongThreadException>(e);
        _gate.Open();
        _s.RunUntilIdle();
    }

    [Fact]
    public void A_long_lived_group_does_not_keep_its_ended_background_children()
    {
        int maxTracked = 0;
        _s.RunAsyncMain(async () =>
        {
            await Co.WithTaskGroup(async g =>
            {
                for (int i = 0; i < 10_000; i++)
                {
                    g.SpawnBackground(static async () => await Co.Pause());
                    if (i % 8 == 0) await Co.Pause();
                    maxTracked = Math.Max(maxTracked, g.TrackedChildren);
                }
            });
        });
        Assert.InRange(maxTracked, 1, 64);
    }

    [Fact]
    public void Defer_overloads_pick_the_async_one_for_async_lambdas()
    {
        _s.RunAsyncMain(async () =>
        {
            await Co.WithTaskGroup(g =>
            {
                g.AddDefer(async () => { await Co.Pause(); Log("async defer finished"); });
                return CoTask.CompletedTask;
            });
            Log("after");
        });
        Assert.Equal(new[] { "async defer finished", "after" }, _log);
    }

    [Fact]
    public void A_group_whose_opener_ends_without_awaiting_it_cancels_its_children()
    {
        _s.SpawnBackground(() =>
        {
            _ = Co.WithTaskGroup(async g =>
            {
                g.Spawn(async () => { try { await _gate.Wait(); } finally { Log("child ended"); } });
                try { await _gate.Wait(); } finally { Log("body ended"); }
            });
            return CoTask.CompletedTask; // ends while "waiting" on the group: the frame is abandoned
        });
        // Spawned right after the opener ended, 'other' reuses its pooled record: a stray wake from the group (when its
        // last child ends) would resume 'other' past its closed gate.
        var other = new TestGate();
        _s.SpawnBackground(() =>
        {
            _s.SpawnBackground(async () => { await other.Wait(); Log("other passed its gate"); });
            return CoTask.CompletedTask;
        });
        DrainResult r = _s.RunUntilIdle();
        Assert.Equal(DrainStatus.Deadlock, r.Status); // only 'other' is left, blocked on its gate
        Assert.Equal(new[] { "body ended", "child ended" }, _log);
        Assert.Equal(1, _s.LiveCoroutines);
        other.Open();
        Assert.Equal(DrainStatus.Completed, _s.RunUntilIdle().Status);
        Assert.Equal("other passed its gate", _log[^1]);
    }

    internal static Exception? Record(Action a)
    {
        try { a(); return null; }
        catch (Exception e) { return e; }
    }

    [Fact]
    public void A_defer_s_OperationCanceledException_without_a_cancel_is_a_failure_a_later_defer_does_not_replace()
    {
        // Reliability bug 20 (found by an audit): a defer's OperationCanceledException was always taken for a
        // cancellation, which a later failure replaces; with nothing cancelled it is the group's first failure (rule 3).
        var s = new Scheduler();
        var first = new OperationCanceledException("a defer failed; nothing was cancelled");
        var later = new FormatException("a defer that runs later failed");
        Exception? caught = null;
        s.Spawn(async () =>
        {
            try
            {
                await Co.WithTaskGroup(g =>
                {
                    g.AddDefer(() => throw later); // runs second (LIFO)
                    g.AddDefer(() => throw first); // runs first
                    return CoTask.CompletedTask;
                });
            }
            catch (Exception e) { caught = e; }
        });
        s.RunUntilIdle();
        Assert.Same(first, caught);
    }

    [Fact]
    public void A_cancelled_child_failing_for_real_after_ReturnImmediately_fails_the_group()
    {
        // Documented choice (docs/concurrency.md rule 9): a success is not reported over a real error; only a failure
        // already recorded makes later ones drop.
        var s = new Scheduler();
        var gate = new CoCondition(s);
        var cleanup = new System.IO.IOException("cleanup of a cancelled sibling failed");
        Exception? caught = null;
        s.Spawn(async () =>
        {
            try
            {
                await Co.WithTaskGroup<int>(async g =>
                {
                    g.Spawn(async () =>
                    {
                        try { await gate.Wait(); }
                        catch (CancelledException) { throw cleanup; }
                    });
                    await Co.Pause();
                    g.ReturnImmediately(42);
                    return -1;
                });
            }
            catch (Exception e) { caught = e; }
        });
        s.RunUntilIdle();
        Assert.Same(cleanup, caught);
    }
}
