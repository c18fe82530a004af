using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Native;
using Atmos.Cache.Platform;
using Atmos.Cache.Root;

namespace Atmos.Cache.Archiving.Extraction;

/// <summary>
/// The staging and trash folders of one extraction under <c>&lt;root&gt;/.atmos-cache/tmp</c> (same file
/// system as the root, so moves are renames). Remembers which of the root (and its parents), the state
/// folder and its tmp folder it created, so that a failed extraction removes them again.
/// </summary>
internal sealed class ExtractionWorkspace
{
    private readonly List<string> _created;

    private ExtractionWorkspace(string stagingRoot, string trashRoot, List<string> created, int modesKeptByCreate)
    {
        StagingRoot = stagingRoot;
        TrashRoot = trashRoot;
        _created = created;
        ModesKeptByCreate = modesKeptByCreate;
    }

    public string StagingRoot { get; }

    public string TrashRoot { get; }

    /// <summary>The permission bits the process umask lets a create keep.</summary>
    public int ModesKeptByCreate { get; }

    public static ExtractionWorkspace Create(string root)
    {
        var stateFolder = Path.Combine(root, CachePaths.StateFolder);
        var tmp = CachePaths.ScratchPath(root);
        var created = new List<string>();
        try
        {
            foreach (var folder in MissingAncestors(root).Append(root).Append(stateFolder).Append(tmp))
            {
                switch (NativeFileType.Probe(folder))
                {
                    case FileKind.Missing:
                        Directory.CreateDirectory(folder);
                        created.Add(folder);
                        break;
                    case FileKind.Folder:
                        break;
                    default:
                        // A link here could send the staging tree somewhere else entirely.
                        throw new CacheArchiveException($"'{folder}' is not a folder; remove it so the cache can be restored.") { OnThisMachine = true };
                }
            }

            var id = Guid.NewGuid().ToString("N");
            var staging = Path.Combine(tmp, "extract-" + id);
            var modesKept = 0x1FF;
            if (!FilePlatform.Current.UnixModes)
            {
                Directory.CreateDirectory(staging);
            }
            else
            {
                // Created asking for every permission bit: what remains shows the umask.
                Directory.CreateDirectory(staging, (UnixFileMode)0x1FF);
                modesKept = (int)File.GetUnixFileMode(staging) & 0x1FF;
            }

            return new ExtractionWorkspace(staging, Path.Combine(tmp, "trash-" + id), created, modesKept);
        }
        catch
        {
            RemoveCreated(created);
            throw;
        }
    }

    /// <summary>The root's missing parent folders, outermost first (a failed restore removes them again too).</summary>
    private static IEnumerable<string> MissingAncestors(string root)
    {
        var missing = new Stack<string>();
        for (var parent = Path.GetDirectoryName(root); parent is not null && NativeFileType.Probe(parent) == FileKind.Missing; parent = Path.GetDirectoryName(parent))
        {
            missing.Push(parent);
        }

        return missing;
    }

    /// <summary>
    /// Removes staging (and the trash, unless it still holds content a failed rollback could not
    /// put back), then the folders this extraction created when they are empty.
    /// </summary>
    public void CleanUp(bool keepTrash, ICacheLogger logger)
    {
        DeleteTree(StagingRoot, logger);
        if (!keepTrash)
        {
            DeleteTree(TrashRoot, logger);
        }

        RemoveCreated(_created);
    }

    private static void DeleteTree(string path, ICacheLogger logger)
    {
        if (NativeFileType.Probe(path) == FileKind.Missing)
        {
            return;
        }

        try
        {
            var platform = FilePlatform.Current;
            if (!platform.UnixModes)
            {
                // Windows refuses to delete read-only files, and restored files may be read-only.
                ClearReadOnly(path);
            }

            SharingRetry.Run(platform, path, () => Directory.Delete(path, recursive: true));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.Log(CacheLogLevel.Warning, $"Could not delete the temporary folder '{path}': {e.Message}");
        }
    }

    private static void ClearReadOnly(string folder)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", options))
        {
            if ((file.Attributes & FileAttributes.ReadOnly) != 0)
            {
                file.Attributes &= ~FileAttributes.ReadOnly;
            }
        }
    }

    private static void RemoveCreated(List<string> created)
    {
        for (var i = created.Count - 1; i >= 0; i--)
        {
            try
            {
                Directory.Delete(created[i], recursive: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not empty (someone else uses it now) or gone: leave it.
            }
        }
    }
}
