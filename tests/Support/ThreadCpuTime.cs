using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CoSched.Tests;

/// <summary>CPU time consumed by the calling thread (Linux: CLOCK_THREAD_CPUTIME_ID; elsewhere the process's CPU time).</summary>
internal static class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clockId, out Timespec value);

    public static TimeSpan Current()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTimeId, out Timespec ts) == 0)
            return TimeSpan.FromTicks(ts.Seconds * TimeSpan.TicksPerSecond + ts.Nanoseconds / 100);
        return Process.GetCurrentProcess().TotalProcessorTime;
    }
}
