using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using CoSched;
using Xunit;

namespace CoSched.Tests.Reliability;

/// <summary>
/// A CoTask method called without await and still suspended when its coroutine's body completes (a stray frame) is
/// unwound, not abandoned: it resumes with <see cref="CancelledException"/>, its finally blocks and using scopes run
/// (a lock it holds is released, a wait it had is withdrawn), and only then does the coroutine end, failed with the
/// body's own error or with an <see cref="InvalidOperationException"/> naming the missing await (reliability bug 11:
/// the frame used to be dropped, the coroutine ended Done, and the lock stayed held forever).
/// </summary>
public class StrayFrameTests
{
    /// <summary>Takes the lock, then waits as <paramref name="kind"/> says; logs its finally.</summary>
    private static async CoTask HoldLockAndWait(CoMutex m, string kind, BlockedWaitWorld w, List<string> log)
    {
        using (await m.LockAsync())
        {
            try
            {
                switch (kind)
                {
                    case "pause": await Co.Pause(); break;
                    case "condition": await w.Condition.Wait(); break;
                    case "semaphore": await w.Empty.Acquire(); break;
                    case "queue get": await w.EmptyQueue.Get(); break;
                    case "join": await w.Pending.Wait(); break;
                    default: throw new ArgumentException(kind);
                }
                log.Add("resumed normally");
            }
            catch (CancelledException) { log.Add("cancelled"); throw; }
            finally { log.Add("finally"); }
        }
    }

    /// <summary>Spawns a coroutine that runs a task group with <paramref name="body"/>; the box receives the group's error.</summary>
    private static StrongBox<Exception?> SpawnGroup(Scheduler s, Func<TaskGroup, CoTask> body)
    {
        var error = new StrongBox<Exception?>();
        s.Spawn(async () =>
        {
            try { await Co.WithTaskGroup(body); }
            catch (Exception e) { error.Value = e; }
        });
        return error;
    }

    public static TheoryData<string> Waits() => new() { "pause", "condition", "semaphore", "queue get", "join" };

    [Theory]
    [MemberData(nameof(Waits))]
    public void A_stray_frame_is_cancelled_and_unwound_before_its_coroutine_ends(string kind)
    {
        var w = new BlockedWaitWorld();
        var log = new List<string>();
        CoroutineHandle h = w.S.Spawn(async () =>
        {
            _ = HoldLockAndWait(w.Lock, kind, w, log); // misuse: no await
            log.Add("body returns");
            await CoTask.CompletedTask;
        });
        w.S.RunUntilIdle();

        Assert.Equal(["body returns", "cancelled", "finally"], log);
        Assert.Equal(CoroutineState.Failed, h.State);
        Assert.Contains("without await", Assert.IsType<InvalidOperationException>(h.Exception).Message);
        Assert.False(w.Lock.IsLocked); // released by the frame's using scope
        Assert.Equal(0, w.Condition.WaiterCount);
        Assert.Equal(0, w.Empty.WaiterCount);
        Assert.Equal(0, w.EmptyQueue.ParkedReaders);

        // Nothing handed to the withdrawn waits is lost: the next users get it.
        w.Empty.Release();
        Assert.True(w.Empty.TryAcquire());
        w.S.Spawn(async () => await w.EmptyQueue.Put(7));
        w.S.RunUntilIdle();
        Assert.True(w.EmptyQueue.TryGet(out int item));
        Assert.Equal(7, item);
    }

    [Fact]
    public void The_body_s_own_error_wins_and_joiners_wake_only_after_the_unwind()
    {
        var w = new BlockedWaitWorld();
        Scheduler s = w.S;
        CoMutex m = w.Lock;
        var log = new List<string>();
        CoroutineHandle h = s.Spawn(async () =>
        {
            _ = HoldLockAndWait(m, "pause", w, log);
            await CoTask.CompletedTask;
            throw new FormatException("the body's own error");
        });
        bool lockedWhenJoined = true;
        s.Spawn(async () =>
        {
            try { await h.Wait(); }
            catch (FormatException) { lockedWhenJoined = m.IsLocked; log.Add("joined"); }
        });
        s.RunUntilIdle(); // ends in Deadlock: the world's Pending coroutine waits on a gate nobody opens
        Assert.Equal(["cancelled", "finally", "joined"], log);
        Assert.False(lockedWhenJoined);
    }

    [Fact]
    public void A_stray_frame_that_awaits_in_a_shielded_finally_finishes_before_the_coroutine_ends()
    {
        var s = new Scheduler();
        var log = new List<string>();
        CoroutineHandle h = s.Spawn(async () =>
        {
            _ = CleansUpSlowly(log);
            await CoTask.CompletedTask;
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(["cancelled", "cleanup 1", "cleanup 2"], log);
        Assert.Equal(CoroutineState.Failed, h.State);

        static async CoTask CleansUpSlowly(List<string> log)
        {
            try { await Co.Pause(); }
            catch (CancelledException) { log.Add("cancelled"); }
            finally
            {
                await Co.ProtectFromCancel(async () =>
                {
                    await Co.Pause();
                    log.Add("cleanup 1");
                    await Co.Pause();
                    log.Add("cleanup 2");
                });
            }
        }
    }

    [Fact]
    public void A_group_child_with_a_stray_frame_fails_the_group_after_the_frame_unwound()
    {
        var w = new BlockedWaitWorld();
        Scheduler s = w.S;
        CoMutex m = w.Lock;
        var log = new List<string>();
        StrongBox<Exception?> groupError = SpawnGroup(s, g =>
        {
            g.Spawn(async () =>
            {
                _ = HoldLockAndWait(m, "condition", w, log);
                await CoTask.CompletedTask;
            });
            return CoTask.CompletedTask;
        });
        s.RunUntilIdle();
        Assert.Equal(["cancelled", "finally"], log);
        Assert.False(m.IsLocked);
        Assert.NotNull(groupError.Value);
        Assert.Contains("without await", groupError.Value!.ToString());
    }

    [Fact]
    public void A_sibling_failing_while_a_stray_frame_unwinds_in_a_shield_wins_and_the_frame_still_finishes()
    {
        var s = new Scheduler();
        var log = new List<string>();
        StrongBox<Exception?> groupError = SpawnGroup(s, g =>
        {
            g.Spawn(async () =>
            {
                _ = ShieldedWork(log); // misuse: no await; the frame is inside a shield when the body returns
                await CoTask.CompletedTask;
            });
            g.Spawn(async () =>
            {
                await Co.Pause();
                throw new FormatException("the sibling's failure");
            });
            return CoTask.CompletedTask;
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(["shielded 1", "shielded 2", "shielded 3", "after the shield: cancelled"], log);
        Assert.IsType<FormatException>(groupError.Value); // the first failure wins; the stray frame's error comes later
        bool ranAfter = false;
        s.Spawn(async () => { await Co.Pause(); ranAfter = true; });
        s.RunUntilIdle();
        Assert.True(ranAfter);

        static async CoTask ShieldedWork(List<string> log)
        {
            await Co.ProtectFromCancel(async () =>
            {
                for (int i = 1; i <= 3; i++)
                {
                    await Co.Pause();
                    log.Add($"shielded {i}");
                }
            });
            try { await Co.Pause(); }
            catch (CancelledException) { log.Add("after the shield: cancelled"); }
        }
    }

    private static readonly AsyncLocal<string> s_frame = new();

    [Fact]
    public void A_stray_frame_keeps_its_wait_and_context_when_the_body_awaits_a_dotnet_task_beside_it()
    {
        // Reliability bug 14 (found by the random programs once they awaited .NET Tasks): the body's .NET await, which
        // the library lets run beside the parked stray frame, overwrote the coroutine's wait site and saved context.
        // When the body then completed, the unwind could not withdraw the frame's semaphore wait: the coroutine hung
        // (a deadlock verdict), still queued on the semaphore; and the frame would have resumed in the body's context.
        var w = new BlockedWaitWorld();
        var log = new List<string>();
        var io = new TaskCompletionSource<int>();
        CoroutineHandle h = w.S.Spawn(async () =>
        {
            _ = Stray(); // misuse: no await; it parks on the empty semaphore
            s_frame.Value = "body";
            log.Add($"io returned {await io.Task}");
        });
        Assert.Equal(DrainStatus.Idle, w.S.RunUntilIdle().Status); // the .NET await is an external wait
        Assert.Equal(1, w.Empty.WaiterCount);

        io.SetResultInline(5); // the continuation runs inline and posts to the inbox
        w.S.RunUntilIdle(); // ends in Deadlock: the world's Pending coroutine waits on a gate nobody opens

        Assert.Equal(["io returned 5", "cancelled in frame", "finally"], log);
        Assert.Equal(CoroutineState.Failed, h.State);
        Assert.Contains("without await", h.Exception!.Message);
        Assert.False(w.Lock.IsLocked);
        Assert.Equal(0, w.Empty.WaiterCount);
        w.Empty.Release(); // a permit released now is free for the next user, not handed to the ended coroutine
        Assert.True(w.Empty.TryAcquire());

        async CoTask Stray()
        {
            s_frame.Value = "frame";
            using (await w.Lock.LockAsync())
            {
                try { await w.Empty.Acquire(); }
                catch (CancelledException) { log.Add($"cancelled in {s_frame.Value}"); }
                finally { log.Add("finally"); }
            }
        }
    }

    [Fact]
    public void A_group_opened_in_a_stray_frame_waits_for_its_children_before_its_defers_and_its_record_stays_sound()
    {
        // Reliability bug 18 (found by an audit): the unwind cancels the stray frame from inside the coroutine's own
        // step, where the group took the cancel for an abandoned wait. The group ran its defers and returned while a
        // cancelled child was still cleaning up, went back to the pool with negative counts, and the next group that
        // reused the record returned at once without running its body.
        var s = new Scheduler();
        var log = new List<string>();
        var gate = new CoCondition(s);
        CoroutineHandle h = s.Spawn(() =>
        {
            _ = Helper(); // misuse: not awaited; the coroutine parks on the group's join
            return CoTask.CompletedTask;
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(["body ended", "child cleaning up", "child ended", "defer ran", "group threw CancelledException"], log);
        Assert.Equal(CoroutineState.Failed, h.State);
        Assert.Contains("without await", h.Exception!.Message);

        log.Clear();
        CoroutineHandle next = s.Spawn(async () =>
        {
            await Co.WithTaskGroup(async g =>
            {
                log.Add("next body started");
                g.Spawn(async () => { await Co.Pause(); log.Add("next child ended"); });
                await Co.Pause();
            });
            log.Add("next group returned");
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(["next body started", "next child ended", "next group returned"], log);
        Assert.Equal(CoroutineState.Done, next.State);

        async CoTask Helper()
        {
            try
            {
                await Co.WithTaskGroup(async g =>
                {
                    g.AddDefer(() => log.Add("defer ran"));
                    g.Spawn(async () =>
                    {
                        try { await gate.Wait(); }
                        finally
                        {
                            log.Add("child cleaning up");
                            await Co.ProtectFromCancel(async () => { await Co.Pause(); await Co.Pause(); });
                            log.Add("child ended");
                        }
                    });
                    try { await gate.Wait(); } finally { log.Add("body ended"); }
                });
            }
            catch (Exception e) { log.Add($"group threw {e.GetType().Name}"); throw; }
        }
    }
}
