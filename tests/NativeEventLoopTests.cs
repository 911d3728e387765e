using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CoSched.Tests.Reliability;
using Xunit;

namespace CoSched.Tests;

/// <summary>
/// The native loop on the real clock. These are the only tests that let real time pass (the loop's own timer, a real
/// socket); they are few and short. Foreign completions come from threads that wait for events, not for time.
/// </summary>
public class NativeEventLoopTests
{
    [Fact]
    public void Run_returns_mains_result_after_its_sleeps()
    {
        var loop = new NativeEventLoop();
        long start = Stopwatch.GetTimestamp();
        int result = loop.Run(async () =>
        {
            await Co.Sleep(TimeSpan.FromMilliseconds(20));
            await Co.Sleep(TimeSpan.Zero);
            return 42;
        });
        Assert.Equal(42, result);
        Assert.True(Stopwatch.GetElapsedTime(start) >= TimeSpan.FromMilliseconds(20));
    }

    [Fact]
    public void Run_rethrows_mains_exception()
    {
        var loop = new NativeEventLoop();
        var ex = Assert.Throws<FormatException>(() => loop.Run(async () =>
        {
            await Co.Sleep(TimeSpan.FromMilliseconds(1));
            throw new FormatException("from main");
        }));
        Assert.Equal("from main", ex.Message);
    }

    [Fact]
    public void A_busy_loop_of_pauses_does_not_keep_a_due_sleep_out()
    {
        var loop = new NativeEventLoop();
        (bool woke, TimeSpan wokeAfter, int pausesAfterWake) = loop.Run(async () =>
        {
            long start = Stopwatch.GetTimestamp();
            TimeSpan wokeAt = TimeSpan.Zero;
            bool sleeperDone = false;
            Scheduler.Current!.Spawn(async () =>
            {
                await Co.Sleep(TimeSpan.FromMilliseconds(30));
                wokeAt = Stopwatch.GetElapsedTime(start);
                sleeperDone = true;
            });
            // Never idle: the loop only ever runs rounds, so the timer must be noticed between rounds (after the first
            // few rounds, through the alarm thread rather than a clock read per round).
            int after = 0;
            while (Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(2))
            {
                await Co.Pause();
                if (sleeperDone && ++after == 3) break;
            }
            return (sleeperDone, wokeAt, after);
        });
        Assert.True(woke, "the sleeper never woke while the other coroutine kept pausing");
        Assert.InRange(wokeAfter, TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(500));
        Assert.Equal(3, pausesAfterWake);
    }

    [Fact]
    public void Awaiting_a_foreign_operation_completed_on_another_thread_resumes_on_the_loop_thread()
    {
        int loopThread = Environment.CurrentManagedThreadId;
        var loop = new NativeEventLoop();
        var io = new ManualForeignOperation<int>();
        // The completing thread waits for the await to be registered (an event, not a delay), as an IO completion would.
        var completer = new Thread(() =>
        {
            io.Registered.Wait();
            io.CompleteOnNewThread(1);
        });
        completer.Start();
        int resumedOn = loop.Run(async () =>
        {
            await io;
            return Environment.CurrentManagedThreadId;
        });
        completer.Join();
        Assert.Equal(loopThread, resumedOn);
    }

    [Fact]
    public void Awaiting_a_real_loopback_socket_read_resumes_on_the_loop_thread()
    {
        int loopThread = Environment.CurrentManagedThreadId;
        var loop = new NativeEventLoop();
        string received = loop.Run(async () =>
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var client = new TcpClient();
            Task connecting = client.ConnectAsync(IPAddress.Loopback, port);
            using TcpClient server = await listener.AcceptTcpClientAsync();
            Assert.Equal(loopThread, Environment.CurrentManagedThreadId);
            await connecting;
            // The writer is another coroutine, sending after a short sleep: the read below really waits on the socket.
            Scheduler.Current!.Spawn(async () =>
            {
                await Co.Sleep(TimeSpan.FromMilliseconds(20));
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("hello"));
            }, "writer");
            var buffer = new byte[5];
            int read = 0;
            while (read < buffer.Length)
            {
                int n = await server.GetStream().ReadAsync(buffer.AsMemory(read));
                Assert.Equal(loopThread, Environment.CurrentManagedThreadId);
                Assert.NotEqual(0, n);
                read += n;
            }
            return Encoding.ASCII.GetString(buffer);
        });
        Assert.Equal("hello", received);
    }

    [Fact]
    public void RunBlocking_and_InvokeAsync_from_its_worker_resume_on_the_loop_thread()
    {
        int loopThread = Environment.CurrentManagedThreadId;
        var loop = new NativeEventLoop();
        Scheduler s = loop.Scheduler;
        (int worker, int invokedOn, int resumedOn) = loop.Run(async () =>
        {
            (int w, int i) = await Co.RunBlocking(() =>
                (Environment.CurrentManagedThreadId, s.InvokeAsync(() => Environment.CurrentManagedThreadId).Result));
            return (w, i, Environment.CurrentManagedThreadId);
        });
        Assert.NotEqual(loopThread, worker);
        Assert.Equal(loopThread, invokedOn);
        Assert.Equal(loopThread, resumedOn);
    }

    [Fact]
    public void A_post_from_another_thread_wakes_the_blocked_loop()
    {
        var loop = new NativeEventLoop();
        Scheduler s = loop.Scheduler;
        CoQueue<int> box = CoQueue<int>.Unbounded(s);
        int value = loop.Run(async () =>
        {
            IDisposable lease = s.AcquireFeederLease(); // a feeder will come: blocked is idle, not deadlocked
            var feeder = new Thread(() => s.Post(() => { box.TryPut(99); lease.Dispose(); }));
            feeder.Start();
            return await box.Get();
        });
        Assert.Equal(99, value);
    }

    [Fact]
    public void Deadlock_throws_DeadlockException_with_the_report()
    {
        var loop = new NativeEventLoop();
        Scheduler s = loop.Scheduler;
        var ex = Assert.Throws<DeadlockException>(() => loop.Run(async () =>
        {
            CoQueue<int> never = CoQueue<int>.Unbounded(s);
            s.Spawn(async () => await Co.Sleep(TimeSpan.FromMilliseconds(5)), "short sleeper"); // no verdict before it ends
            await never.Get();
        }));
        BlockedCoroutine main = Assert.Single(ex.Report.Coroutines);
        Assert.Equal("main", main.Name);
        Assert.Equal("CoQueue<Int32>.Get (1 reader parked)", main.WaitingOn);
        Assert.StartsWith("NativeEventLoopTests.cs:", main.SpawnSite);
        Assert.Contains("'main' spawned at NativeEventLoopTests.cs:", ex.Message);
    }

    [Fact]
    public void The_loop_thread_blocks_instead_of_spinning_while_it_waits_for_a_timer_or_a_foreign_completion()
    {
        var loop = new NativeEventLoop();
        var io = new ManualForeignOperation<int>();
        var blockedUntimed = new ManualResetEventSlim();
        loop.BeforeBlocking = deadline => { if (deadline is null && io.Registered.IsSet) blockedUntimed.Set(); };
        // The foreign operation completes only once the loop thread sits in a kernel wait with no deadline (its state says
        // so): a loop that spun instead would never get there (the completer then gives up after 10 s, a guard only, and
        // the assertion below fails).
        Thread loopThread = Thread.CurrentThread;
        bool completedAfterBlock = false;
        var completer = new Thread(() =>
        {
            io.Registered.Wait();
            completedAfterBlock = blockedUntimed.Wait(TimeSpan.FromSeconds(10)) &&
                                  SpinWait.SpinUntil(() => (loopThread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) != 0,
                                                     TimeSpan.FromSeconds(10));
            io.CompleteOnNewThread(1);
        });
        completer.Start();
        (TimeSpan sleepCpu, TimeSpan sleepWall, TimeSpan delayCpu) = loop.Run(async () =>
        {
            TimeSpan cpu0 = ThreadCpuTime.Current();
            long t0 = Stopwatch.GetTimestamp();
            await Co.Sleep(TimeSpan.FromMilliseconds(200)); // the loop's own timer: a timed kernel wait
            TimeSpan cpu1 = ThreadCpuTime.Current();
            long t1 = Stopwatch.GetTimestamp();
            await io; // no timer of ours: an untimed kernel wait ended by the inbox post
            TimeSpan cpu2 = ThreadCpuTime.Current();
            return (cpu1 - cpu0, Stopwatch.GetElapsedTime(t0, t1), cpu2 - cpu1);
        });
        completer.Join();
        Assert.True(sleepWall >= TimeSpan.FromMilliseconds(200), $"slept only {sleepWall}");
        Assert.True(completedAfterBlock, "the loop thread never blocked while it waited for the foreign completion");
        // A spinning loop would burn about as much CPU as wall time; a blocked one uses next to none.
        Assert.True(sleepCpu < TimeSpan.FromMilliseconds(20), $"loop thread used {sleepCpu.TotalMilliseconds} ms CPU in a {sleepWall.TotalMilliseconds} ms sleep");
        Assert.True(delayCpu < TimeSpan.FromMilliseconds(20), $"loop thread used {delayCpu.TotalMilliseconds} ms CPU in a foreign wait");
    }

    [Fact]
    public void Run_returns_when_main_returns_while_a_sibling_keeps_pausing()
    {
        // Audit finding A: Run drained until nothing was ready, so a sibling pausing in a loop kept it going (forever,
        // for a loop that never ends). Coroutines still alive when main ends stay suspended.
        int siblingSteps = 0, stepsWhenMainReturned = -1;
        var loop = new NativeEventLoop();
        int result = loop.Run(async () =>
        {
            loop.Scheduler.SpawnBackground(async () =>
            {
                for (int i = 0; i < 1_000_000; i++) // bounded, so a regression fails instead of hanging the run
                {
                    siblingSteps++;
                    await Co.Pause();
                }
            });
            await Co.Pause();
            stepsWhenMainReturned = siblingSteps;
            return 7;
        });
        Assert.Equal(7, result);
        Assert.Equal(1, stepsWhenMainReturned);
        Assert.Equal(1, siblingSteps); // the round in which main ended ran no further step of the sibling
    }
}
