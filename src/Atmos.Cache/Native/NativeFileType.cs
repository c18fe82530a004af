using System.Runtime.CompilerServices;
using Atmos.Cache.Platform;

namespace Atmos.Cache.Native;

/// <summary>What a path is, without following a final symbolic link.</summary>
internal enum FileKind
{
    Missing,
    File,
    Folder,
    Symlink,
    /// <summary>A fifo, socket or device: never archived, never opened.</summary>
    Special,
}

/// <summary>
/// lstat-based file type probe. .NET has no public API that tells a fifo or device from a regular
/// file (opening a fifo would block forever), so on Unix this asks the runtime's own native shim.
/// </summary>
internal static class NativeFileType
{
    // File type bits of the shim's FileStatus.Mode (the runtime normalises them to these values).
    private const int TypeMask = 0xF000;
    private const int TypeFifo = 0x1000;
    private const int TypeCharDevice = 0x2000;
    private const int TypeDirectory = 0x4000;
    private const int TypeBlockDevice = 0x6000;
    private const int TypeRegular = 0x8000;
    private const int TypeSymlink = 0xA000;
    private const int TypeSocket = 0xC000;

    private static bool s_nativeUnavailable;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static FileKind Probe(string path)
    {
        if (FilePlatform.Current.UnixShim && !OperatingSystem.IsWindows() && TryProbeUnix(path) is { } kind)
        {
            return kind;
        }

        var managed = ProbeManaged(path);
        // The BCL reports a fifo, socket or device as an ordinary file, and opening a fifo blocks
        // for ever: where they exist (every OS but Windows) lstat tells them apart.
        return managed == FileKind.File && !OperatingSystem.IsWindows() && TryProbeUnix(path) == FileKind.Special
            ? FileKind.Special
            : managed;
    }

    private static FileKind? TryProbeUnix(string path)
    {
        if (s_nativeUnavailable)
        {
            return null;
        }

        try
        {
            return ProbeUnix(path);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_nativeUnavailable = true;
            return null;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static FileKind ProbeUnix(string path) => UnixFileSystem.LStat(path)?.Kind ?? FileKind.Missing;

    /// <summary>The kind of an entry from the file type bits of its mode.</summary>
    public static FileKind KindOf(int mode) => (mode & TypeMask) switch
    {
        TypeRegular => FileKind.File,
        TypeDirectory => FileKind.Folder,
        TypeSymlink => FileKind.Symlink,
        TypeFifo or TypeCharDevice or TypeBlockDevice or TypeSocket => FileKind.Special,
        _ => FileKind.Special,
    };

    private static FileKind ProbeManaged(string path)
    {
        FileAttributes attributes;
        try
        {
            attributes = File.GetAttributes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return FileKind.Missing;
        }

        if ((attributes & FileAttributes.ReparsePoint) != 0 && new FileInfo(path).LinkTarget is not null)
        {
            return FileKind.Symlink;
        }

        return (attributes & FileAttributes.Directory) != 0 ? FileKind.Folder : FileKind.File;
    }
}
