using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Atmos.Cache.Platform;

namespace Atmos.Cache.Native;

/// <summary>What <c>lstat</c> says about a path: its kind, permission bits, size and modification time.</summary>
internal readonly record struct EntryStatus(FileKind Kind, int Mode, long Size, DateTime ModifiedUtc);

/// <summary>
/// The few Unix calls the tree walk makes per entry, straight through the runtime's own native shim
/// (<c>libSystem.Native</c>): one <c>lstat</c> for type, mode, size and time, and open/read/close for
/// a small file. The BCL's <see cref="FileInfo"/> and <see cref="FileStream"/> add a second
/// <c>lstat</c>, two <c>fstat</c>s, a <c>flock</c>/unlock pair and a <c>geteuid</c> per file, which
/// on 20,000 small files is most of the walk. The shim's struct layout is checked once against the
/// BCL on a probe file; if anything disagrees (or the shim is missing) the walk uses the BCL.
/// </summary>
internal static unsafe class UnixFileSystem
{
    private const int StatusBytes = 512; // larger than any version of the shim's FileStatus
    private const int ModeOffset = 4;
    private const int SizeOffset = 16;
    private const int ModifiedSecondsOffset = 40;
    private const int ModifiedNanosecondsOffset = 48;
    private const int ReadOnlyFlags = SystemNative.OpenReadOnly | SystemNative.OpenCloseOnExec | SystemNative.OpenNoFollow;

    private static readonly Lazy<bool> Checked = new(SelfCheck, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Whether the fast path is used: the platform in effect asks for the shim, and it passed its check here.</summary>
    public static bool IsAvailable => FilePlatform.Current.UnixShim && PassesSelfCheck;

    /// <summary>Whether the shim works on this machine (whatever the platform in effect asks for).</summary>
    public static bool PassesSelfCheck => !OperatingSystem.IsWindows() && Checked.Value;

    /// <summary>lstat; null when the path does not exist (or cannot be looked at).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static EntryStatus? LStat(string path)
    {
        var status = stackalloc byte[StatusBytes];
        fixed (byte* utf8 = SystemNative.Utf8Path(path, stackalloc byte[SystemNative.StackPathBytes]))
        {
            if (SystemNative.LStat(utf8, status) != 0)
            {
                return null;
            }
        }

        var mode = *(int*)(status + ModeOffset);
        var seconds = *(long*)(status + ModifiedSecondsOffset);
        var nanoseconds = *(long*)(status + ModifiedNanosecondsOffset);
        return new EntryStatus(
            NativeFileType.KindOf(mode),
            mode & 0xFFF,
            *(long*)(status + SizeOffset),
            DateTime.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + nanoseconds / 100));
    }

    /// <summary>
    /// Reads the first <paramref name="size"/> bytes of a regular file into <paramref name="buffer"/>.
    /// Returns how many bytes there were (less than <paramref name="size"/> if the file shrank), or -1
    /// when it could not be opened (then the caller goes the BCL way, which reports why).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ReadStart(string path, byte[] buffer, int size)
    {
        nint fd;
        fixed (byte* utf8 = SystemNative.Utf8Path(path, stackalloc byte[SystemNative.StackPathBytes]))
        {
            fd = SystemNative.Open(utf8, ReadOnlyFlags, 0);
        }

        if (fd < 0)
        {
            return -1;
        }

        try
        {
            var filled = 0;
            fixed (byte* start = buffer)
            {
                while (filled < size)
                {
                    var read = SystemNative.Read(fd, start + filled, size - filled);
                    if (read < 0)
                    {
                        if (Marshal.GetLastPInvokeError() == SystemNative.Interrupted)
                        {
                            continue;
                        }

                        throw new IOException($"Reading '{path}' failed (errno {Marshal.GetLastPInvokeError()}).");
                    }

                    if (read == 0)
                    {
                        break;
                    }

                    filled += read;
                }
            }

            return filled;
        }
        finally
        {
            SystemNative.Close(fd);
        }
    }

    /// <summary>
    /// Writes a probe file through <see cref="UnixFileWriter"/> and checks that the BCL sees the
    /// written size, mode and time, that the shim's lstat reports the same, and that a read through
    /// it returns the content.
    /// </summary>
    private static bool SelfCheck()
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        var probe = Path.Combine(Path.GetTempPath(), $"atmos-cache-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var content = new byte[4099];
            Random.Shared.NextBytes(content);
            var time = new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(1234500);
            const int mode = 0x1A0; // 0640
            using (var writer = UnixFileWriter.CreateNew(probe, mode))
            {
                if (writer is null)
                {
                    return false;
                }

                writer.Write(content);
                writer.SetMode(mode);
                writer.SetTimes(time);
            }

            var info = new FileInfo(probe);
            if (info.Length != content.Length || info.LastWriteTimeUtc != time || (int)info.UnixFileMode != mode
                || LStat(probe) is not { } status
                || status.Kind != FileKind.File
                || status.Size != content.Length
                || status.Mode != (int)info.UnixFileMode
                || status.ModifiedUtc != info.LastWriteTimeUtc)
            {
                return false;
            }

            var read = new byte[content.Length];
            return ReadStart(probe, read, read.Length) == content.Length && read.AsSpan().SequenceEqual(content);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
        finally
        {
            try
            {
                File.Delete(probe);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
