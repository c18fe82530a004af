using Atmos.Cache.Native;
namespace Atmos.Cache.Archiving.Extraction;

/// <summary>
/// Moves a fully extracted staging tree into the root with renames: new paths move in at once
/// (a whole new folder is one rename), existing folders are merged, anything else in the way is
/// moved to a trash folder first. Every step is journalled so that <see cref="Rollback"/> can put
/// the root back as it was; the trash is deleted only after the new tree is in place.
/// </summary>
internal sealed class RootMerger
{
    private readonly string _stagingRoot;
    private readonly string _root;
    private readonly string _trashRoot;
    private readonly List<(string From, string To, FileKind Kind)> _journal = [];
    private readonly Dictionary<string, DateTime> _folderTimes = new(StringComparer.Ordinal);
    private int _trashCount;
    private string? _current;
    private string? _currentTarget;

    public RootMerger(string stagingRoot, string root, string trashRoot)
    {
        _stagingRoot = stagingRoot;
        _root = root;
        _trashRoot = trashRoot;
    }

    /// <summary>Test hook: called before each rename, so a test can make one fail.</summary>
    internal Action<string>? BeforeMove { get; set; }

    public bool UsedTrash => _trashCount > 0;

    /// <summary>Moves the staging tree in; a failed file-system call is refused with the path it failed at.</summary>
    public void Merge()
    {
        try
        {
            MergeFolder(_stagingRoot, _root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var relative = Path.GetRelativePath(_stagingRoot, _current ?? _stagingRoot);
            throw FileSystemFailure.Refusal("moving into the root the entry", relative.Replace('\\', '/'), _currentTarget ?? _root, e);
        }
    }

    /// <summary>Undoes the renames done so far, newest first. Returns the paths it could not restore.</summary>
    public List<string> Rollback()
    {
        var failures = new List<string>();
        for (var i = _journal.Count - 1; i >= 0; i--)
        {
            var (from, to, kind) = _journal[i];
            try
            {
                EntryMover.Move(to, from, kind);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add(from);
            }
        }

        _journal.Clear();

        // Renames in and out changed the times of the root's folders: put those back too.
        foreach (var (folder, time) in _folderTimes)
        {
            try
            {
                Directory.SetLastWriteTimeUtc(folder, time);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return failures;
    }

    private void MergeFolder(string stagingFolder, string rootFolder)
    {
        _current = stagingFolder;
        _currentTarget = rootFolder;
        foreach (var staged in Directory.EnumerateFileSystemEntries(stagingFolder))
        {
            var target = Path.Combine(rootFolder, Path.GetFileName(staged));
            _current = staged;
            _currentTarget = target;
            var stagedKind = NativeFileType.Probe(staged);
            var targetKind = NativeFileType.Probe(target);

            if (targetKind != FileKind.Folder || stagedKind != FileKind.Folder)
            {
                _folderTimes.TryAdd(rootFolder, Directory.GetLastWriteTimeUtc(rootFolder));
            }

            if (targetKind == FileKind.Missing)
            {
                Move(staged, target, stagedKind);
            }
            else if (stagedKind == FileKind.Folder && targetKind == FileKind.Folder)
            {
                MergeFolder(staged, target);
            }
            else
            {
                // Replaced (file over file) or a type conflict: the old entry goes to the trash first.
                Directory.CreateDirectory(_trashRoot);
                var trash = Path.Combine(_trashRoot, (_trashCount++).ToString(System.Globalization.CultureInfo.InvariantCulture));
                Move(target, trash, targetKind);
                Move(staged, target, stagedKind);
            }
        }
    }

    private void Move(string from, string to, FileKind kind)
    {
        BeforeMove?.Invoke(from);
        EntryMover.Move(from, to, kind);
        _journal.Add((from, to, kind));
    }
}
