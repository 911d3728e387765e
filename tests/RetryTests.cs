using System;
using System.Collections.Generic;
using CoSched;
using Xunit;

namespace CoSched.Tests;

public class RetryTests
{
    private readonly Scheduler _s = new();

    [Fact]
    public void Immediate_retry_runs_again_until_success_without_an_event_loop()
    {
        int attempts = 0, result = 0;
        CoroutineHandle main = _s.RunAsyncMain(async () =>
        {
            result = await Co.Retry(async () =>
            {
                attempts++;
                await Co.Pause();
                if (attempts < 3) throw new TimeoutException();
                return 42;
            }, RetryPolicy.Immediate);
        });
        Assert.Equal(CoroutineState.Done, main.State);
        Assert.Equal(3, attempts);
        Assert.Equal(42, result);
    }

    [Fact]
    public void When_attempts_run_out_the_last_error_is_rethrown()
    {
        int attempts = 0;
        var errors = new List<Exception>();
        Exception? caught = null;
        _s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.Retry(async () =>
                {
                    attempts++;
                    await Co.Pause();
                    var e = new TimeoutException($"attempt {attempts}");
                    errors.Add(e);
                    throw e;
                }, RetryPolicy.Immediate, maxAttempts: 4);
            }
            catch (Exception e) { caught = e; }
        });
        Assert.Equal(4, attempts);
        Assert.Same(errors[3], caught);
    }

    [Fact]
    public void A_fatal_error_is_rethrown_at_once()
    {
        int attempts = 0;
        Exception? caught = null;
        _s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.Retry<int>(async () =>
                {
                    attempts++;
                    await Co.Pause();
                    throw new UnauthorizedAccessException();
                }, RetryPolicy.Immediate, isFatal: e => e is UnauthorizedAccessException);
            }
            catch (Exception e) { caught = e; }
        });
        Assert.Equal(1, attempts);
        Assert.IsType<UnauthorizedAccessException>(caught);
    }

    [Fact]
    public void A_delay_without_an_event_loop_throws_EventLoopRequiredException_before_the_first_attempt()
    {
        int attempts = 0;
        Exception? fixedError = null, expError = null;
        _s.RunAsyncMain(async () =>
        {
            fixedError = TaskGroupTests.Record(() => Co.Retry(() => { attempts++; return CoTask.CompletedTask; },
                                                              RetryPolicy.FixedDelay(TimeSpan.FromSeconds(1))));
            expError = TaskGroupTests.Record(() => Co.Retry(() => { attempts++; return CoTask.FromResult(1); },
                                                            RetryPolicy.ExponentialDelay(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1))));
            await Co.Pause();
        });
        Assert.IsType<EventLoopRequiredException>(fixedError);
        Assert.IsType<EventLoopRequiredException>(expError);
        Assert.Contains("Co.Retry", fixedError!.Message);
        Assert.Equal(0, attempts);
    }

    [Fact]
    public void A_cancellation_of_the_retrying_coroutine_is_not_retried()
    {
        var gate = new TestGate();
        int attempts = 0;
        CoroutineHandle main = _s.Spawn(async () =>
        {
            await Co.Retry(async () => { attempts++; await gate.Wait(); }, RetryPolicy.Immediate);
        });
        _s.RunUntilIdle();
        main.Cancel();
        _s.RunUntilIdle();
        Assert.Equal(CoroutineState.Cancelled, main.State);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public void Policy_arguments_are_checked_and_delays_computed()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RetryPolicy.FixedDelay(TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetryPolicy.ExponentialDelay(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetryPolicy.ExponentialDelay(TimeSpan.Zero, TimeSpan.FromSeconds(1), 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetryPolicy.ExponentialDelay(TimeSpan.Zero, TimeSpan.FromSeconds(1), double.NaN));
        RetryPolicy p = RetryPolicy.ExponentialDelay(TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1), 10);
        Assert.Equal(TimeSpan.FromMilliseconds(1), p.DelayBeforeRetry(1));
        Assert.Equal(TimeSpan.FromMilliseconds(100), p.DelayBeforeRetry(3));
        Assert.Equal(TimeSpan.FromHours(1), p.DelayBeforeRetry(int.MaxValue)); // saturates, no overflow
        Assert.False(RetryPolicy.Immediate.HasDelay);
        Assert.Equal(RetryPolicy.Immediate, default(RetryPolicy));
        Exception? e = null;
        _s.RunAsyncMain(async () =>
        {
            e = TaskGroupTests.Record(() => Co.Retry(() => CoTask.CompletedTask, RetryPolicy.Immediate, maxAttempts: 0));
            await Co.Pause();
        });
        Assert.IsType<ArgumentOutOfRangeException>(e);
    }
}
