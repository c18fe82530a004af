using System.Text;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using ICSharpCode.SharpZipLib.Tar;

namespace Atmos.Cache.Archiving;

/// <summary>
/// Walks a root and writes its entries into a tar stream: folders (with a trailing '/'), regular
/// files (rwx bits and mtime) and symbolic links that stay inside the root. Special files, links
/// that leave the root and the excluded top-level folders are left out.
/// </summary>
internal sealed class TreeArchiver
{
    private const int PermissionBits = 0x1FF; // rwxrwxrwx: setuid, setgid and sticky are dropped
    private const int DefaultFileMode = 0x1A4; // 0644, where the platform has no Unix modes
    private const int DefaultFolderMode = 0x1ED; // 0755
    private static readonly DateTime UnixEpoch = DateTime.UnixEpoch;
    // SharpZipLib keeps header times in a 32-bit int (it writes 0 past 2038-01-19): later times are clamped.
    private static readonly DateTime LatestTarTime = DateTime.UnixEpoch.AddSeconds(int.MaxValue);

    private readonly string _root;
    private readonly IncludePaths _includes;
    private readonly ICacheLogger _logger;
    private readonly TarOutputStream _tar;
    private readonly byte[] _copyBuffer = new byte[1 << 20];
    private readonly CancellationToken _cancellationToken;

    public TreeArchiver(string root, IncludePaths includes, ICacheLogger logger, TarOutputStream tar, CancellationToken cancellationToken)
    {
        _root = root;
        _includes = includes;
        _logger = logger;
        _tar = tar;
        _cancellationToken = cancellationToken;
    }

    public long Entries { get; private set; }

    public long ContentBytes { get; private set; }

    public void WriteRoot() => WriteFolderContents(_root, string.Empty);

    private void WriteFolderContents(string folder, string relativeFolder)
    {
        FileSystemInfo[] children;
        try
        {
            children = new DirectoryInfo(folder).GetFileSystemInfos();
        }
        catch (DirectoryNotFoundException)
        {
            _logger.Log(CacheLogLevel.Detail, $"Not archiving the contents of '{relativeFolder}': it was deleted during the save.");
            return;
        }

        Array.Sort(children, static (a, b) => string.CompareOrdinal(a.Name, b.Name));

        foreach (var child in children)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var relative = relativeFolder.Length == 0 ? child.Name : relativeFolder + "/" + child.Name;

            if (relativeFolder.Length == 0 && ArchiveExclusions.Match(child.Name) is { } excluded)
            {
                _logger.Log(CacheLogLevel.Detail, $"Not archiving '{relative}': {ArchiveExclusions.Describe(excluded)} is never cached.");
                continue;
            }

            var kind = NativeFileType.Probe(child.FullName);
            if (!_includes.Covers(relative))
            {
                // Ancestors of an include are written too (as the Atmos CLI does) so their modes travel.
                if (kind == FileKind.Folder && _includes.IsAncestorOfInclude(relative))
                {
                    WriteFolder(child, relative);
                }

                continue;
            }

            switch (kind)
            {
                case FileKind.Folder:
                    WriteFolder(child, relative);
                    break;
                case FileKind.File:
                    WriteFile(child, relative);
                    break;
                case FileKind.Symlink:
                    WriteSymlink(child, relative);
                    break;
                case FileKind.Special:
                    _logger.Log(CacheLogLevel.Detail, $"Not archiving '{relative}': it is a socket, fifo or device.");
                    break;
                case FileKind.Missing:
                    // Deleted while we walked: nothing to archive.
                    break;
            }
        }
    }

    private void WriteFolder(FileSystemInfo folder, string relative)
    {
        var header = NewHeader(relative + "/", TarHeader.LF_DIR, ModeOf(folder, DefaultFolderMode), folder.LastWriteTimeUtc);
        _tar.PutNextEntry(new TarEntry(header));
        _tar.CloseEntry();
        Entries++;
        WriteFolderContents(folder.FullName, relative);
    }

    private void WriteFile(FileSystemInfo info, string relative)
    {
        var file = (FileInfo)info;
        FileStream stream;
        try
        {
            stream = new FileStream(file.FullName, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
                Options = FileOptions.SequentialScan,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            _logger.Log(CacheLogLevel.Detail, $"Not archiving '{relative}': it was deleted during the save.");
            return;
        }

        using var _ = stream;

        // The size is taken from the open file so that header and content agree.
        var size = stream.Length;
        var header = NewHeader(relative, TarHeader.LF_NORMAL, ModeOf(file, DefaultFileMode), file.LastWriteTimeUtc);
        header.Size = size;
        _tar.PutNextEntry(new TarEntry(header));

        var remaining = size;
        while (remaining > 0)
        {
            var read = stream.Read(_copyBuffer, 0, (int)Math.Min(_copyBuffer.Length, remaining));
            if (read == 0)
            {
                throw new CacheArchiveException(
                    $"The file '{relative}' shrank while it was being archived; make sure nothing writes to the cache root during a save.");
            }

            _tar.Write(_copyBuffer, 0, read);
            remaining -= read;
        }

        _tar.CloseEntry();
        Entries++;
        ContentBytes += size;
    }

    private void WriteSymlink(FileSystemInfo link, string relative)
    {
        var target = RootRelativeTarget(link.FullName, link.LinkTarget);
        if (target is null || !SymlinkContainment.StaysInside(relative, target, LinkTargetAt))
        {
            _logger.Log(CacheLogLevel.Info, $"Not archiving the symbolic link '{relative}' -> '{link.LinkTarget}': its target is outside the cache root.");
            return;
        }

        var targetBytes = Encoding.UTF8.GetByteCount(target);
        if (targetBytes > TarHeader.NAMELEN)
        {
            // SharpZipLib truncates link names to 100 bytes; a GNU long-link record carries the full target.
            var longLink = NewHeader("././@LongLink", TarHeader.LF_GNU_LONGLINK, DefaultFileMode, UnixEpoch);
            longLink.Size = targetBytes + 1;
            _tar.PutNextEntry(new TarEntry(longLink));
            var bytes = new byte[targetBytes + 1];
            Encoding.UTF8.GetBytes(target, bytes);
            _tar.Write(bytes, 0, bytes.Length);
            _tar.CloseEntry();
        }

        var header = NewHeader(relative, TarHeader.LF_SYMLINK, 0x1FF, link.LastWriteTimeUtc);
        header.LinkName = target;
        _tar.PutNextEntry(new TarEntry(header));
        _tar.CloseEntry();
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

        if (OperatingSystem.IsWindows())
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
        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (!targetFull.StartsWith(rootFull + Path.DirectorySeparatorChar, comparison) && !string.Equals(targetFull, rootFull, comparison))
        {
            return null;
        }

        var relative = Path.GetRelativePath(Path.GetDirectoryName(linkFullPath)!, targetFull).Replace('\\', '/');
        return relative;
    }

    private static int ModeOf(FileSystemInfo info, int fallback) =>
        OperatingSystem.IsWindows() ? fallback : (int)info.UnixFileMode & PermissionBits;

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
