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
        Assert.Equal(6, tree.Count); // main, other root, outer (body), worker1, worker2, leaf
        Assert.Equal(new[] { "main", "other root" }, tree.Roots.Select(r => r.Name));
        CoroutineInfo main = tree.Roots[0];
        Assert.Equal(CoroutineState.Suspended, main.State);
        Assert.Contains("task group 'outer'", main.WaitingOn);
        Assert.Contains("DescribeCoroutinesTests.cs:", main.SpawnSite);
        Assert.Equal(new[] { "outer", "worker1", "worker2" }, main.Children.Select(c => c.Name));
        Assert.All(main.Children, c => Assert.Same(main, c.Parent));
        CoroutineInfo worker1 = main.Children[1];
        Assert.Equal("a test gate", worker1.WaitingOn);
        Assert.Contains("The_tree_hangs_group_children_under_the_coroutine_that_opened_the_group", worker1.SpawnSite);
        CoroutineInfo worker2 = main.Children[2];
        Assert.Contains("task group 'inner'", worker2.WaitingOn);
        CoroutineInfo leaf = Assert.Single(worker2.Children); // the inner body has ended
        Assert.Equal("leaf", leaf.Name);
        Assert.Empty(leaf.Children);
        Assert.Null(main.Parent);

        string text = tree.ToString();
        Assert.Contains("\n    'leaf' [Suspended] spawned at DescribeCoroutinesTests.cs:", text.Replace("\r\n", "\n"));

        gate.Open();
        s.RunUntilIdle();
        Assert.Equal(0, s.DescribeCoroutines().Count);
    }
}
