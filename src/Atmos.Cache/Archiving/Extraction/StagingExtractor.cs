using System.Runtime.CompilerServices;
using Atmos.Cache.Archiving.Tar;
using Atmos.Cache.Errors;
using Atmos.Cache.Native;
using Atmos.Cache.Platform;
using Atmos.Cache.Root;

namespace Atmos.Cache.Archiving.Extraction;

/// <summary>
/// The extraction loop: validates every entry and writes it into the staging folder, bounded by
/// the size and entry limits. Folder modes and times are only collected (applied after the merge).
/// </summary>
internal sealed class StagingExtractor
{
    private const int PermissionBits = 0x1FF;
    private const int DefaultFileMode = 0x1A4; // 0644, when an archive stores no permission bits
    private const int OwnerWrite = 0x80;
    private const long PreallocateFrom = 1 << 20;

    private readonly StrictTarReader _reader;
    private readonly string _stagingRoot;
    private readonly int _modesKeptByCreate;
    private readonly CancellationToken _cancellationToken;
    private readonly StagingIndex _index;
    private readonly FilePlatform _platform = FilePlatform.Current;
    private readonly List<string> _skippedSymlinks = [];

    // modesKeptByCreate: the permission bits that survive the process umask on create.
    public StagingExtractor(StrictTarReader reader, string stagingRoot, ExtractOptions options, int modesKeptByCreate, CancellationToken cancellationToken)
    {
        _reader = reader;
        _stagingRoot = stagingRoot;
        _modesKeptByCreate = modesKeptByCreate;
        _cancellationToken = cancellationToken;
        _keepExisting = options.KeepExisting;
        // Each entry may also imply parent folders the archive does not list.
        _index = new StagingIndex(stagingRoot, (int)Math.Min(StagingIndex.MaxNodes, 2 * options.MaxEntries + 1));
    }

    private readonly Func<string, bool>? _keepExisting;

    public long Entries { get; private set; }

    /// <summary>Entries the root already held complete (<see cref="ExtractOptions.KeepExisting"/>): not written.</summary>
    public long KeptExisting { get; private set; }

    public long ContentBytes { get; private set; }

    /// <summary>Regular files written.</summary>
    public long Files { get; private set; }

    /// <summary>Entries under the state folder or an auth folder: skipped, never written (Atmos v1.222 and older archived them).</summary>
    public long SkippedExcluded { get; private set; }

    /// <summary>Symbolic links the OS refused to create for lack of privilege (Windows without Developer Mode), by entry name.</summary>
    public IReadOnlyList<string> SkippedSymlinks => _skippedSymlinks;

    /// <summary>Archived folders with their mode and modification time (last entry wins), deepest first.</summary>
    public IEnumerable<(string Path, int Mode, DateTime ModifiedUtc)> FoldersDeepestFirst() => _index.FoldersDeepestFirst();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ExtractAll()
    {
        while (_reader.Next() is { } entry)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            // The reader enforces the entry and size limits (metadata records and skipped content included).
            Entries++;
            var relative = EntryPathValidator.Normalize(entry.Name, _platform.WindowsNames);
            if (relative.Length == 0)
            {
                if (entry.Type != TarEntryType.Folder)
                {
                    throw EntryPathValidator.Unsafe(entry.Name, "names the cache root itself but is not a folder");
                }

                // "./" from `tar -C root .`: the root already exists.
                continue;
            }

            if (ArchiveExclusions.MatchPath(relative) is not null)
            {
                // Never written: the reader skips the content with the next header.
                SkippedExcluded++;
                continue;
            }

            if (_keepExisting is not null && _keepExisting(relative))
            {
                // Checked like any other entry (the reader still reads and counts it), but the root's copy stays.
                KeptExisting++;
                continue;
            }

            try
            {
                Extract(entry, relative);
            }
            catch (Exception e) when (e is UnauthorizedAccessException or (IOException and not EndOfStreamException))
            {
                throw FileSystemFailure.Refusal("writing the entry", entry.Name, Path.Combine(_stagingRoot, relative), e);
            }
        }

        // Links may point through links that came later in the archive: the whole set is checked now.
        foreach (var link in _index.Symlinks)
        {
            if (!_index.StaysInside(link))
            {
                throw EntryPathValidator.Unsafe(_index.PathOf(link), $"is a symbolic link to '{EntryPathValidator.Display(_index.LinkTargetOf(link))}', which resolves outside the cache root");
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Extract(TarEntryHeader entry, string relative)
    {
        switch (entry.Type)
        {
            case TarEntryType.File:
                ExtractFile(entry, relative);
                break;
            case TarEntryType.Folder:
                var folder = _index.Register(relative, StagingIndex.Kind.Folder, entry.Name, out var existed);
                if (!existed)
                {
                    Directory.CreateDirectory(Path.Combine(_stagingRoot, relative));
                }

                _index.SetFolderMetadata(folder, entry.Mode & PermissionBits, entry.ModifiedUtc);
                break;
            case TarEntryType.Symlink:
                ExtractSymlink(entry, relative);
                break;
            case TarEntryType.HardLink:
                throw EntryPathValidator.Unsafe(entry.Name, $"is a hard link (to '{EntryPathValidator.Display(entry.LinkName)}'), which cache archives never contain");
            case TarEntryType.CharacterDevice:
            case TarEntryType.BlockDevice:
                throw EntryPathValidator.Unsafe(entry.Name, "is a device, which cache archives never contain");
            case TarEntryType.Fifo:
                throw EntryPathValidator.Unsafe(entry.Name, "is a fifo, which cache archives never contain");
            default:
                throw EntryPathValidator.Unsafe(entry.Name, $"has the unsupported tar entry type '{EntryPathValidator.Display(entry.TypeFlag.ToString())}'");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ExtractFile(TarEntryHeader entry, string relative)
    {
        _index.Register(relative, StagingIndex.Kind.File, entry.Name, out var replace);
        var path = Path.Combine(_stagingRoot, relative);
        if (replace)
        {
            DeleteStaged(path);
        }

        var mode = entry.Mode & PermissionBits;
        if (mode == 0)
        {
            mode = DefaultFileMode;
        }

        if (entry.Size < PreallocateFrom && UnixFileSystem.IsAvailable && UnixFileWriter.CreateNew(path, mode) is { } file)
        {
            using (file)
            {
                _reader.CopyContentTo(file);
                if ((mode & ~_modesKeptByCreate) != 0)
                {
                    file.SetMode(mode);
                }

                file.SetTimes(entry.ModifiedUtc);
            }

            ContentBytes += entry.Size;
            Files++;
            return;
        }

        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 0,
            PreallocationSize = entry.Size >= PreallocateFrom ? entry.Size : 0,
        };
        if (_platform.UnixModes)
        {
            options.UnixCreateMode = (UnixFileMode)mode;
        }

        using (var stream = new FileStream(path, options))
        {
            _reader.CopyContentTo(stream);
            if (_platform.UnixModes && (mode & ~_modesKeptByCreate) != 0)
            {
                // The umask removed bits the archive asks for.
                File.SetUnixFileMode(stream.SafeFileHandle, (UnixFileMode)mode);
            }

            File.SetLastWriteTimeUtc(stream.SafeFileHandle, entry.ModifiedUtc);
        }

        if (!_platform.UnixModes && (mode & OwnerWrite) == 0)
        {
            // Without Unix modes the one permission a file keeps is "not writable".
            File.SetAttributes(path, FileAttributes.ReadOnly);
        }

        ContentBytes += entry.Size;
        Files++;
    }

    /// <summary>Deletes a path an earlier entry wrote (Windows refuses to delete a read-only file).</summary>
    private void DeleteStaged(string path)
    {
        if (!_platform.UnixModes && NativeFileType.Probe(path) == FileKind.File)
        {
            File.SetAttributes(path, FileAttributes.Normal);
        }

        File.Delete(path);
    }

    private void ExtractSymlink(TarEntryHeader entry, string relative)
    {
        var target = entry.LinkName;
        if (target.Length == 0)
        {
            throw EntryPathValidator.Unsafe(entry.Name, "is a symbolic link without a target");
        }

        if (target.Contains('\0') || target.Contains('\\'))
        {
            throw EntryPathValidator.Unsafe(entry.Name, $"is a symbolic link whose target '{EntryPathValidator.Display(target)}' contains a NUL or backslash");
        }

        if (SymlinkContainment.IsAbsolute(target))
        {
            throw EntryPathValidator.Unsafe(entry.Name, $"is a symbolic link to the absolute path '{EntryPathValidator.Display(target)}'");
        }

        // Containment is checked once all entries are in: nothing is ever written through a link
        // (the index refuses such paths), and a link may point through links that come later.
        var link = _index.Register(relative, StagingIndex.Kind.Symlink, entry.Name, out var replace);
        _index.SetLinkTarget(link, target, entry.Name);
        var path = Path.Combine(_stagingRoot, relative);
        if (replace)
        {
            DeleteStaged(path);
        }

        try
        {
            _platform.Calls.CreateSymbolicLink(path, target);
        }
        catch (Exception e) when (WindowsErrors.IsPrivilegeNotHeld(e))
        {
            // Windows without Developer Mode (and not elevated): the rest restores; the caller warns once.
            // The link stays in the index, so nothing is written through it and its target is still checked.
            _skippedSymlinks.Add(entry.Name);
        }
    }
}
