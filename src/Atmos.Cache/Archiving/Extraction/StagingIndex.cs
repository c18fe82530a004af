using System.Runtime.CompilerServices;
namespace Atmos.Cache.Archiving.Extraction;

/// <summary>
/// Remembers what each path in the staging tree is, so that the archive cannot write through a
/// symbolic link it created, nor name one path twice with different types. Creates the parent
/// folders that entries need. Invariant: every registered path's ancestors are registered folders.
/// </summary>
internal sealed class StagingIndex
{
    public enum Kind
    {
        Folder,
        File,
        Symlink,
    }

    private readonly string _stagingRoot;
    private readonly Dictionary<string, Kind> _kinds;
    private readonly Dictionary<string, string> _linkTargets;

    public StagingIndex(string stagingRoot)
    {
        _stagingRoot = stagingRoot;
        // On case-insensitive file systems "Link/x" would write through "link".
        var comparer = OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
        _kinds = new Dictionary<string, Kind>(comparer);
        _linkTargets = new Dictionary<string, string>(comparer);
    }

    public IEnumerable<KeyValuePair<string, string>> Symlinks => _linkTargets;

    /// <summary>
    /// Registers an entry and makes sure its parent folders exist. Returns true when the path was
    /// already written by an earlier entry of the same type (the caller replaces it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Register(string relativePath, Kind kind, string entryName)
    {
        EnsureParents(relativePath, entryName);
        if (_kinds.TryGetValue(relativePath, out var existing))
        {
            if (existing != kind)
            {
                throw EntryPathValidator.Unsafe(entryName, $"names a {Describe(existing)} that an earlier entry created, this time as a {Describe(kind)}");
            }

            return true;
        }

        _kinds[relativePath] = kind;
        return false;
    }

    public void RecordLinkTarget(string relativePath, string target) => _linkTargets[relativePath] = target;

    /// <summary>The target of an archived link at a root-relative path, or null.</summary>
    public string? LinkTargetOf(string relativePath) => _linkTargets.GetValueOrDefault(relativePath);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EnsureParents(string relativePath, string entryName)
    {
        var slash = relativePath.LastIndexOf('/');
        if (slash < 0)
        {
            return;
        }

        var parent = relativePath[..slash];
        if (_kinds.TryGetValue(parent, out var kind))
        {
            switch (kind)
            {
                case Kind.Folder:
                    return;
                case Kind.Symlink:
                    throw EntryPathValidator.Unsafe(entryName, $"would be written through the symbolic link '{EntryPathValidator.Display(parent)}' created by an earlier entry");
                default:
                    throw EntryPathValidator.Unsafe(entryName, $"needs '{EntryPathValidator.Display(parent)}' to be a folder, but an earlier entry made it a file");
            }
        }

        EnsureParents(parent, entryName);
        Directory.CreateDirectory(Path.Combine(_stagingRoot, parent));
        _kinds[parent] = Kind.Folder;
    }

    private static string Describe(Kind kind) => kind switch
    {
        Kind.Folder => "folder",
        Kind.File => "file",
        _ => "symbolic link",
    };
}
