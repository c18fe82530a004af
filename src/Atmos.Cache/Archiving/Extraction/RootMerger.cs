using Atmos.Cache.Native;
using Atmos.Cache.Platform;

namespace Atmos.Cache.Archiving.Extraction;

/// <summary>
/// Moves a fully extracted staging tree into the root with renames: new paths move in at once
/// (a whole new folder is one rename), existing folders are merged, anything else in the way is
/// moved to a trash folder first. Every step is journalled so that <see cref="Rollback"/> can put
/// the root back as it was; the trash is deleted only after the new tree is in place. The journal
/// keeps each step as a folder number and a name, never a full path, so merging 250,000 files with
/// 2,200-byte paths over an existing tree holds a few tens of MB, not gigabytes.
/// </summary>
internal sealed class RootMerger
{
    private const int NoTrash = -1;
    private const int NoParent = -1;
    private const int RootFolder = 0;

    private readonly string _stagingRoot;
    private readonly string _root;
    private readonly string _trashRoot;
    private readonly FilePlatform _platform = FilePlatform.Current;

    // Every folder merged into, as its parent's number and its name (number 0 is the root itself):
    // the paths of a step are rebuilt from these only when a rollback needs them.
    private readonly List<(int Parent, int NameOffset, int NameLength)> _folders = [(NoParent, 0, 0)];
    private readonly NameArena _names = new(long.MaxValue);
    private readonly List<Step> _journal = [];
    private readonly Dictionary<int, DateTime> _folderTimes = [];
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
            MergeFolder(_stagingRoot, _root, RootFolder);
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
            var step = _journal[i];
            var relative = RelativePath(step.Folder, step.NameOffset, step.NameLength);
            var inRoot = Path.Combine(_root, relative);
            // A step moved staged -> root, or root -> trash: undo moves it back.
            var (moved, original) = step.Trash == NoTrash
                ? (inRoot, Path.Combine(_stagingRoot, relative))
                : (TrashPath(step.Trash), inRoot);
            try
            {
                Rename(moved, original, step.Kind);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add(original);
            }
        }

        _journal.Clear();

        // Renames in and out changed the times of the root's folders: put those back too.
        foreach (var (folder, time) in _folderTimes)
        {
            try
            {
                Directory.SetLastWriteTimeUtc(Path.Combine(_root, RelativePath(folder)), time);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return failures;
    }

    private void MergeFolder(string stagingFolder, string rootFolder, int folder)
    {
        _current = stagingFolder;
        _currentTarget = rootFolder;
        foreach (var staged in Directory.EnumerateFileSystemEntries(stagingFolder))
        {
            var name = Path.GetFileName(staged);
            var target = Path.Combine(rootFolder, name);
            _current = staged;
            _currentTarget = target;
            var stagedKind = NativeFileType.Probe(staged);
            var targetKind = NativeFileType.Probe(target);

            if (targetKind != FileKind.Folder || stagedKind != FileKind.Folder)
            {
                if (!_folderTimes.ContainsKey(folder))
                {
                    _folderTimes.Add(folder, Directory.GetLastWriteTimeUtc(rootFolder));
                }
            }

            if (targetKind == FileKind.Missing)
            {
                var (offset, length) = StoreName(name);
                Move(staged, target, new Step(folder, offset, length, stagedKind, NoTrash));
            }
            else if (stagedKind == FileKind.Folder && targetKind == FileKind.Folder)
            {
                var (offset, length) = StoreName(name);
                _folders.Add((folder, offset, length));
                MergeFolder(staged, target, _folders.Count - 1);
            }
            else
            {
                // Replaced (file over file) or a type conflict: the old entry goes to the trash first.
                Directory.CreateDirectory(_trashRoot);
                var trash = _trashCount++;
                var (offset, length) = StoreName(name);
                Move(target, TrashPath(trash), new Step(folder, offset, length, targetKind, trash));
                Move(staged, target, new Step(folder, offset, length, stagedKind, NoTrash));
            }
        }
    }

    private void Move(string from, string to, Step step)
    {
        BeforeMove?.Invoke(from);
        Rename(from, to, step.Kind);
        _journal.Add(step);
    }

    // Another process may hold a file open for a moment (on Windows a virus scanner scanning what
    // was just extracted): the rename is retried before the restore gives up.
    private void Rename(string from, string to, FileKind kind) =>
        SharingRetry.Run(_platform, from, () => _platform.Calls.Rename(from, to, kind));

    private (int Offset, int Length) StoreName(string name) =>
        _names.Add(System.Text.Encoding.UTF8.GetBytes(name))
        ?? throw new PathTooLongException($"The name '{EntryNames.Display(name)}' is too long.");

    private string TrashPath(int trash) => Path.Combine(_trashRoot, trash.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The path of a merged folder below the root, plus optionally one more name ("" for the root itself).</summary>
    private string RelativePath(int folder, int nameOffset = 0, int nameLength = -1)
    {
        var names = new List<string>();
        if (nameLength >= 0)
        {
            names.Add(System.Text.Encoding.UTF8.GetString(_names.Get(nameOffset, nameLength)));
        }

        for (var f = folder; f != RootFolder; f = _folders[f].Parent)
        {
            names.Add(System.Text.Encoding.UTF8.GetString(_names.Get(_folders[f].NameOffset, _folders[f].NameLength)));
        }

        names.Reverse();
        return Path.Combine([.. names]);
    }

    /// <summary>One rename: a name in a merged folder moved in from staging, or moved out to a trash slot.</summary>
    private readonly record struct Step(int Folder, int NameOffset, int NameLength, FileKind Kind, int Trash);
}
