using System.IO.Enumeration;
using System.Runtime.CompilerServices;
using System.Text;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Native;
using Atmos.Cache.Platform;
using Atmos.Cache.Root;
using ICSharpCode.SharpZipLib.Tar;

namespace Atmos.Cache.Archiving.Writing;

/// <summary>
/// Walks a root and prepares its tar entries: folders (with a trailing '/'), regular files (rwx bits
/// and mtime) and symbolic links that stay inside the root. Special files, links that leave the
/// root and the excluded top-level folders are left out. Runs ahead of the tar writer on its own
/// thread (see <see cref="ReadAheadArchiver"/>): it does the per-file system calls and reads small
/// files whole, so that for many small files that work overlaps with writing and compressing.
/// </summary>
internal sealed class TreeArchiver
{
    private const int PermissionBits = 0x1FF; // rwxrwxrwx: setuid, setgid and sticky are dropped
    private const int DefaultFileMode = 0x1A4; // 0644, where the platform has no Unix modes
    private const int ReadOnlyFileMode = 0x124; // 0444: a file with the read-only attribute there
    private const int DefaultFolderMode = 0x1ED; // 0755
    private static readonly DateTime UnixEpoch = DateTime.UnixEpoch;
    // SharpZipLib keeps header times in a 32-bit int (it writes 0 past 2038-01-19): later times are clamped.
    private static readonly DateTime LatestTarTime = DateTime.UnixEpoch.AddSeconds(int.MaxValue);

    private readonly string _root;
    private readonly IncludePaths _includes;
    private readonly ICacheLogger _logger;
    /// <summary>Files up to this size are read whole by the walker; larger ones are streamed by the writer.</summary>
    internal const int ReadAheadLimit = 64 * 1024;

    private readonly Action<TarJob> _emit;
    private readonly CancellationToken _cancellationToken;
    private readonly FilePlatform _platform = FilePlatform.Current;

    public TreeArchiver(string root, IncludePaths includes, ICacheLogger logger, Action<TarJob> emit, CancellationToken cancellationToken)
    {
        _root = root;
        _includes = includes;
        _logger = logger;
        _emit = emit;
        _cancellationToken = cancellationToken;
    }

    public long Entries { get; private set; }

    public long ContentBytes { get; private set; }

    /// <summary>Regular files archived.</summary>
    public long Files { get; private set; }

    public void WriteRoot() => WriteFolderContents(_root, string.Empty);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteFolderContents(string folder, string relativeFolder)
    {
        List<string> names;
        try
        {
            names = ChildNames(folder);
        }
        catch (DirectoryNotFoundException)
        {
            _logger.Log(CacheLogLevel.Detail, $"Not archiving the contents of '{relativeFolder}': it was deleted during the save.");
            return;
        }

        names.Sort(string.CompareOrdinal);

        foreach (var name in names)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var relative = relativeFolder.Length == 0 ? name : relativeFolder + "/" + name;

            if (relativeFolder.Length == 0 && ArchiveExclusions.Match(name) is { } excluded)
            {
                _logger.Log(CacheLogLevel.Detail, $"Not archiving '{relative}': {ArchiveExclusions.Describe(excluded)} is never cached.");
                continue;
            }

            var path = Path.Join(folder, name);
            // Deleted while we walked: nothing to archive.
            if (StatusOf(path) is not { } status)
            {
                continue;
            }

            if (!_includes.Covers(relative))
            {
                // Ancestors of an include are written too (as the Atmos CLI does) so their modes travel.
                if (status.Kind == FileKind.Folder && _includes.IsAncestorOfInclude(relative))
                {
                    WriteFolder(path, relative, status);
                }

                continue;
            }

            switch (status.Kind)
            {
                case FileKind.Folder:
                    WriteFolder(path, relative, status);
                    break;
                case FileKind.File when _platform.SkipsAppleDoubleFiles && name.StartsWith("._", StringComparison.Ordinal):
                    // The Finder's extended attributes of 'name' on a volume without them: metadata, not content.
                    _logger.Log(CacheLogLevel.Detail, $"Not archiving '{relative}': it is a macOS AppleDouble ('._') file.");
                    break;
                case FileKind.File:
                    WriteFile(path, relative, status);
                    break;
                case FileKind.Symlink:
                    WriteSymlink(path, relative, status);
                    break;
                case FileKind.Special:
                    _logger.Log(CacheLogLevel.Detail, $"Not archiving '{relative}': it is a socket, fifo or device.");
                    break;
            }
        }
    }

    /// <summary>The names in a folder, without looking at the entries themselves (no stat per name).</summary>
    private static List<string> ChildNames(string folder) =>
    [
        .. new FileSystemEnumerable<string>(
            folder,
            static (ref FileSystemEntry entry) => entry.FileName.ToString(),
            new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false }),
    ];

    /// <summary>One lstat's worth of facts about an entry, or null when it no longer exists.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private EntryStatus? StatusOf(string path)
    {
        if (UnixFileSystem.IsAvailable)
        {
            return UnixFileSystem.LStat(path);
        }

        var kind = NativeFileType.Probe(path);
        if (kind == FileKind.Missing)
        {
            return null;
        }

        FileSystemInfo info = kind == FileKind.Folder ? new DirectoryInfo(path) : new FileInfo(path);
        try
        {
            var mode = _platform.UnixModes ? (int)info.UnixFileMode
                : kind == FileKind.Folder ? DefaultFolderMode
                : (info.Attributes & FileAttributes.ReadOnly) != 0 ? ReadOnlyFileMode
                : DefaultFileMode;
            var size = kind == FileKind.File ? ((FileInfo)info).Length : 0;
            return new EntryStatus(kind, mode, size, info.LastWriteTimeUtc);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteFolder(string path, string relative, EntryStatus status)
    {
        var header = NewHeader(relative + "/", TarHeader.LF_DIR, status.Mode & PermissionBits, status.ModifiedUtc);
        _emit(TarJob.HeaderOnly(header, relative));
        Entries++;
        WriteFolderContents(path, relative);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteFile(string path, string relative, EntryStatus status)
    {
        if (status.Size <= ReadAheadLimit && UnixFileSystem.IsAvailable)
        {
            if (TryReadSmallFile(path, relative, status))
            {
                return;
            }

            // It could not be opened without following a link: if it is no longer a regular file,
            // it was replaced during the save and must not be read through whatever it is now.
            if (UnixFileSystem.LStat(path) is { Kind: not FileKind.File })
            {
                _logger.Log(CacheLogLevel.Detail, $"Not archiving '{relative}': it was replaced during the save.");
                return;
            }
        }

        FileStream? stream;
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
                // Read-ahead advice is one more system call, wasted on a file read whole in one go.
                Options = status.Size > ReadAheadLimit ? FileOptions.SequentialScan : FileOptions.None,
            };
            // Another process may hold it open without sharing (on Windows a virus scanner): retried.
            stream = SharingRetry.Run(_platform, relative, () => _platform.Calls.OpenFile(path, options), _cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            _logger.Log(CacheLogLevel.Detail, $"Not archiving '{relative}': it was deleted during the save.");
            return;
        }

        // The size is taken from the open file so that header and content agree.
        long size;
        TarHeader header;
        try
        {
            size = stream.Length;
            header = NewHeader(relative, TarHeader.LF_NORMAL, status.Mode & PermissionBits, status.ModifiedUtc);
            header.Size = size;
            if (size > ReadAheadLimit)
            {
                // The writer streams it (and owns the open file from here on).
                _emit(TarJob.Streamed(header, stream, relative));
                stream = null;
            }
            else
            {
                _emit(ReadWhole(stream, header, (int)size, relative));
            }
        }
        finally
        {
            stream?.Dispose();
        }

        Entries++;
        Files++;
        ContentBytes += size;
    }

    /// <summary>
    /// Reads a small file whole with open/read/close and nothing else (the size and time come from
    /// the walk's lstat). False when it could not be opened: the BCL path then says why.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryReadSmallFile(string path, string relative, EntryStatus status)
    {
        var size = (int)status.Size;
        var content = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        var read = UnixFileSystem.ReadStart(path, content, size);
        if (read < size)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(content);
            return read < 0 ? false : throw Shrank(relative);
        }

        var header = NewHeader(relative, TarHeader.LF_NORMAL, status.Mode & PermissionBits, status.ModifiedUtc);
        header.Size = size;
        _emit(TarJob.WithContent(header, content, size, relative));
        Entries++;
        Files++;
        ContentBytes += size;
        return true;
    }

    private static TarJob ReadWhole(FileStream stream, TarHeader header, int size, string relative)
    {
        var content = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        var filled = 0;
        while (filled < size)
        {
            var read = stream.Read(content, filled, size - filled);
            if (read == 0)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(content);
                throw Shrank(relative);
            }

            filled += read;
        }

        return TarJob.WithContent(header, content, size, relative);
    }

    internal static CacheArchiveException Shrank(string relative) => new(
        $"The file '{relative}' shrank while it was being archived; make sure nothing writes to the cache root during a save.");

    private void WriteSymlink(string path, string relative, EntryStatus status)
    {
        var linkTarget = new FileInfo(path).LinkTarget;
        var target = RootRelativeTarget(path, linkTarget);
        if (target is null || !SymlinkContainment.StaysInside(relative, target, LinkTargetAt))
        {
            _logger.Log(CacheLogLevel.Info, $"Not archiving the symbolic link '{relative}' -> '{linkTarget}': its target is outside the cache root.");
            return;
        }

        // A target over 100 bytes (or not ASCII) travels in a PAX record (TarJobWriter).
        var header = NewHeader(relative, TarHeader.LF_SYMLINK, 0x1FF, status.ModifiedUtc);
        header.LinkName = target;
        _emit(TarJob.HeaderOnly(header, relative));
        Entries++;
    }

    /// <summary>The target of the link at a root-relative path, made relative to the link's folder, or null.</summary>
    private string? LinkTargetAt(string relative)
    {
        var full = Path.Combine(_root, relative);
        if (NativeFileType.Probe(full) != FileKind.Symlink)
        {
            return null;
        }

        // An absolute target outside the root comes back as "/" which counts as leaving the root.
        return RootRelativeTarget(full, new FileInfo(full).LinkTarget) ?? "/";
    }

    /// <summary>
    /// Returns the link's target relative to its folder with forward slashes: absolute targets inside
    /// the root are made relative; null when the target is absolute outside the root or unusable.
    /// </summary>
    private string? RootRelativeTarget(string linkFullPath, string? target)
    {
        if (string.IsNullOrEmpty(target) || target.Contains('\0'))
        {
            return null;
        }

        if (Path.DirectorySeparatorChar == '\\')
        {
            target = target.Replace('\\', '/');
        }
        else if (target.Contains('\\'))
        {
            // Restores refuse backslashes in names and targets, so such a link could never come back.
            return null;
        }

        if (!Path.IsPathRooted(target))
        {
            return SymlinkContainment.IsAbsolute(target) ? null : target;
        }

        var rootFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(_root));
        var targetFull = Path.GetFullPath(target);
        var comparison = _platform.NameComparison;
        if (!targetFull.StartsWith(rootFull + Path.DirectorySeparatorChar, comparison) && !string.Equals(targetFull, rootFull, comparison))
        {
            return null;
        }

        var relative = Path.GetRelativePath(Path.GetDirectoryName(linkFullPath)!, targetFull).Replace('\\', '/');
        return relative;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TarHeader NewHeader(string name, byte type, int mode, DateTime modifiedUtc) => new()
    {
        Name = name,
        TypeFlag = type,
        Mode = mode,
        ModTime = modifiedUtc < UnixEpoch ? UnixEpoch : modifiedUtc > LatestTarTime ? LatestTarTime : modifiedUtc,
        UserId = 0,
        GroupId = 0,
        UserName = string.Empty,
        GroupName = string.Empty,
        LinkName = string.Empty,
        Size = 0,
    };
}
