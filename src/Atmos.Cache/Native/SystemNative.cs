using System.Runtime.InteropServices;
using System.Text;

namespace Atmos.Cache.Native;

/// <summary>
/// The entry points of the runtime's own native shim (<c>libSystem.Native</c>, shipped with every
/// .NET runtime on Unix) that the tree walk and the extractor call directly, and the one path
/// conversion they share. Flags and structs are the shim's portable ones, not the platform's.
/// </summary>
internal static unsafe class SystemNative
{
    private const string Library = "libSystem.Native";

    public const int OpenReadOnly = 0x0000;
    public const int OpenWriteOnly = 0x0001;
    public const int OpenCloseOnExec = 0x0010;
    public const int OpenCreate = 0x0020;
    public const int OpenExclusive = 0x0040;
    public const int OpenNoFollow = 0x0200;
    public const int Interrupted = 4; // EINTR

    /// <summary>Room for a path of up to 340 characters as UTF-8 on the caller's stack.</summary>
    public const int StackPathBytes = 1024;

    /// <summary>
    /// The path as a NUL-terminated UTF-8 string, in <paramref name="buffer"/> (a stack buffer of
    /// <see cref="StackPathBytes"/>) when it fits, else in a new array.
    /// </summary>
    public static Span<byte> Utf8Path(string path, Span<byte> buffer)
    {
        var needed = Encoding.UTF8.GetMaxByteCount(path.Length) + 1;
        var target = needed <= buffer.Length ? buffer : new byte[needed];
        target[Encoding.UTF8.GetBytes(path, target)] = 0;
        return target;
    }

    [DllImport(Library, EntryPoint = "SystemNative_LStat")]
    public static extern int LStat(byte* path, byte* status);

    [DllImport(Library, EntryPoint = "SystemNative_Open", SetLastError = true)]
    public static extern nint Open(byte* path, int flags, int mode);

    [DllImport(Library, EntryPoint = "SystemNative_Read", SetLastError = true)]
    public static extern int Read(nint fd, byte* buffer, int count);

    [DllImport(Library, EntryPoint = "SystemNative_Write", SetLastError = true)]
    public static extern int Write(nint fd, byte* buffer, int count);

    [DllImport(Library, EntryPoint = "SystemNative_FChMod", SetLastError = true)]
    public static extern int FChMod(nint fd, int mode);

    [DllImport(Library, EntryPoint = "SystemNative_FUTimens", SetLastError = true)]
    public static extern int FUTimens(nint fd, TimeSpec* times);

    [DllImport(Library, EntryPoint = "SystemNative_Close")]
    public static extern int Close(nint fd);

    /// <summary>The shim's <c>TimeSpec</c>: seconds and nanoseconds since the Unix epoch.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
