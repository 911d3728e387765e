using System.Threading.Tasks;
using Xunit;

namespace CoSched.Tests;

/// <summary>Reads results of tasks the test has already seen complete (no blocking: asserts completion first).</summary>
internal static class TaskResults
{
    public static T Completed<T>(Task<T> task)
    {
        Assert.True(task.IsCompleted, "the task has not completed");
        return task.Result;
    }
}
