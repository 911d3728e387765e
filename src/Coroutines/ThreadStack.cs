using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CoSched;

/// <summary>
/// The address range of the calling thread's stack, asked of the OS once per scheduler. While a scheduler drains, "is
/// this call on the scheduler's thread?" is then answered by comparing the address of a local with that range (one
/// subtraction and one comparison) instead of reading a thread-static: on Linux a [ThreadStatic] read or
/// Thread.CurrentThread goes through __tls_get_addr and measured ~3 ns, a fifth of a pause. Stacks of live threads never
/// overlap, so the answer is exact; when the OS cannot tell (unknown platform, missing export), callers fall back to
/// Thread.CurrentThread.
/// </summary>
internal static unsafe class ThreadStack
{
    /// <summary>The current stack pointer, near enough: the address of a local of the (inlined) caller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static nuint Marker()
    {
        // Only the address matters: skipping the initialisation spares a store at every inlined use.
        Unsafe.SkipInit(out byte marker);
        return (nuint)(&marker);
    }

    /// <summary>The calling thread's stack as [low, low + size); (0, 0) when unknown.</summary>
    internal static (nuint Low, nuint Size) OfCurrentThread()
    {
        try
        {
            if (OperatingSystem.IsLinux()) return Linux();
            if (OperatingSystem.IsWindows()) return Windows();
            if (OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() || OperatingSystem.IsTvOS()) return Apple();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or MarshalDirectiveException)
        {
        }
        return (0, 0);
    }

    private static (nuint, nuint) Linux()
    {
        // glibc and musl both export pthread_getattr_np; for the main thread glibc bounds the range by the mapping below.
        if (!NativeLibrary.TryLoad("libc.so.6", out nint libc) && !NativeLibrary.TryLoad("libc", typeof(ThreadStack).Assembly, null, out libc))
            return (0, 0);
        if (!NativeLibrary.TryGetExport(libc, "pthread_self", out nint self) ||
            !NativeLibrary.TryGetExport(libc, "pthread_getattr_np", out nint getattr) ||
            !NativeLibrary.TryGetExport(libc, "pthread_attr_getstack", out nint getstack) ||
            !NativeLibrary.TryGetExport(libc, "pthread_attr_destroy", out nint destroy))
            return (0, 0);
        byte* attr = stackalloc byte[256]; // pthread_attr_t is 56 bytes on x64, 64 on arm64
        nint thread = ((delegate* unmanaged<nint>)self)();
        if (((delegate* unmanaged<nint, byte*, int>)getattr)(thread, attr) != 0) return (0, 0);
        void* addr;
        nuint size;
        int rc = ((delegate* unmanaged<byte*, void**, nuint*, int>)getstack)(attr, &addr, &size);
        ((delegate* unmanaged<byte*, int>)destroy)(attr);
        return rc == 0 ? Checked((nuint)addr, size) : (0, 0);
    }

    private static (nuint, nuint) Windows()
    {
        if (!NativeLibrary.TryLoad("kernel32.dll", out nint k32) ||
            !NativeLibrary.TryGetExport(k32, "GetCurrentThreadStackLimits", out nint limits))
            return (0, 0);
        nuint low, high;
        ((delegate* unmanaged<nuint*, nuint*, void>)limits)(&low, &high);
        return Checked(low, high - low);
    }

    private static (nuint, nuint) Apple()
    {
        if (!NativeLibrary.TryLoad("/usr/lib/libSystem.dylib", out nint lib) ||
            !NativeLibrary.TryGetExport(lib, "pthread_self", out nint self) ||
            !NativeLibrary.TryGetExport(lib, "pthread_get_stackaddr_np", out nint top) ||
            !NativeLibrary.TryGetExport(lib, "pthread_get_stacksize_np", out nint sizeOf))
            return (0, 0);
        nint thread = ((delegate* unmanaged<nint>)self)();
        nuint high = (nuint)((delegate* unmanaged<nint, void*>)top)(thread);
        nuint size = ((delegate* unmanaged<nint, nuint>)sizeOf)(thread);
        return Checked(high - size, size);
    }

    /// <summary>Keeps the range only if it holds the caller's own stack pointer (a sanity check of the OS answer).</summary>
    private static (nuint, nuint) Checked(nuint low, nuint size)
    {
        nuint here = Marker();
        return size != 0 && here - low < size ? (low, size) : (0, 0);
    }
}
