using System;
using Xunit;

namespace CoSched.Tests.Reliability;

/// <summary>
/// A fact that runs only when <c>COSCHED_SOAK_PROGRAMS</c> is set (a long local run, see README); otherwise it is
/// reported as skipped with the command that runs it.
/// </summary>
public sealed class SoakFactAttribute : FactAttribute
{
    public const string Variable = "COSCHED_SOAK_PROGRAMS";

    public SoakFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
            Skip = $"soak run: {Variable}=200000 dotnet test -c Release tests --filter Soak";
    }
}
