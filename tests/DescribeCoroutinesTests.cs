using System.Linq;
using CoSched;
using Xunit;

namespace CoSched.Tests;

public class DescribeCoroutinesTests
{
    [Fact]
    public void The_tree_hangs_group_children_under_the_coroutine_that_opened_the_group()
    {
        var s = new Scheduler();
        var gate = new TestGate();
        s.Spawn(async () =>
        {
            await Co.WithTaskGroup(async g =>
            {
                g.Spawn(async () => await gate.Wait(), name: "worker1");
                g.Spawn(async () =>
                {
                    await Co.WithTaskGroup(inner =>
                    {
                        inner.Spawn(async () => await gate.Wait(), name: "leaf");
                        return CoTask.CompletedTask;
                    }, name: "inner");
                }, name: "worker2");
                await gate.Wait();
            }, name: "outer");
        }, name: "main");
        s.Spawn(async () => await gate.Wait(), name: "other root");
        s.RunUntilIdle();

        CoroutineTree tree = s.DescribeCoroutines();
        // As a list: every live coroutine in spawn order (the inner group's body has ended).
        Assert.Equal(new[] { "main", "other root", "outer", "worker1", "worker2", "leaf" }, tree.Select(c => c.Name));
        Assert.Equal(new[] { "main", "other root" }, tree.Roots.Select(r => r.Coroutine.Name));
        CoroutineNode main = tree.Roots[0];
        Assert.Equal(CoroutineState.Suspended, main.Coroutine.State);
        Assert.Contains("task group 'outer'", main.Coroutine.WaitingOn);
        Assert.Contains("DescribeCoroutinesTests.cs:", main.Coroutine.SpawnSite);
        Assert.Equal(new[] { "outer", "worker1", "worker2" }, main.Children.Select(c => c.Coroutine.Name));
        Assert.All(main.Children, c => Assert.Same(main, c.Parent));
        CoroutineNode worker1 = main.Children[1];
        Assert.Equal("a test gate", worker1.Coroutine.WaitingOn);
        Assert.Contains("The_tree_hangs_group_children_under_the_coroutine_that_opened_the_group", worker1.Coroutine.SpawnSite);
        CoroutineNode worker2 = main.Children[2];
        Assert.Contains("task group 'inner'", worker2.Coroutine.WaitingOn);
        CoroutineNode leaf = Assert.Single(worker2.Children);
        Assert.Equal("leaf", leaf.Coroutine.Name);
        Assert.Empty(leaf.Children);
        Assert.Null(main.Parent);

        string text = tree.ToString();
        Assert.Contains("\n    'leaf' [Suspended] spawned at DescribeCoroutinesTests.cs:", text.Replace("\r\n", "\n"));

        gate.Open();
        s.RunUntilIdle();
        Assert.Empty(s.DescribeCoroutines());
    }

    [Fact]
    public void A_group_childs_record_reused_elsewhere_is_listed_once_under_its_new_life()
    {
        // Group children are listed through their group, not the scheduler's table: a child that ended (its record
        // recycled at once, being a background child) and whose record a top-level spawn then reused must appear once,
        // as the new coroutine, and the group's live children must all still appear.
        var s = new Scheduler();
        var gate = new TestGate();
        s.Spawn(async () =>
        {
            await Co.WithTaskGroup(async g =>
            {
                g.SpawnBackground(() => CoTask.CompletedTask, name: "quick");
                g.Spawn(async () => await gate.Wait(), name: "slow");
                await Co.Pause(); // "quick" ends in this round and its record goes back to the pool
                s.Spawn(async () => await gate.Wait(), name: "reuser");
                await gate.Wait();
            }, name: "g");
        }, name: "main");
        s.RunUntilIdle();

        CoroutineTree tree = s.DescribeCoroutines();
        Assert.Equal(new[] { "main", "g", "slow", "reuser" }, tree.Select(c => c.Name));
        Assert.Equal(new[] { "main", "reuser" }, tree.Roots.Select(r => r.Coroutine.Name));
        DrainResult stuck = s.RunUntilIdle();
        Assert.Equal(DrainStatus.Deadlock, stuck.Status);
        Assert.Equal(4, stuck.Deadlock!.Coroutines.Count);

        gate.Open();
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Empty(s.DescribeCoroutines());
        Assert.Equal(0, s.LiveCoroutines);
    }
}
