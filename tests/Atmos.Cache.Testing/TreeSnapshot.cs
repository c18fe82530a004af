using Atmos.Cache.Root;

namespace Atmos.Cache.Testing;

/// <summary>What a cache root holds, as sorted lines, for comparing trees byte for byte (the state folder left out).</summary>
public static class TreeSnapshot
{
    /// <summary>Every file under <paramref name="root"/> as its relative path and SHA-256; empty when the folder does not exist.</summary>
    public static List<string> Of(string root) =>
        !Directory.Exists(root)
            ? []
            : [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Select(path => Relative(root, path))
                .Where(relative => !IsState(relative))
                .Order(StringComparer.Ordinal)
                .Select(relative => $"{relative} {TempFolder.Sha256(Path.Combine(root, relative))}")];

    /// <summary>
    /// Every entry under <paramref name="root"/>: folders (so empty ones count), files with size and
    /// SHA-256, links with their target, sorted.
    /// </summary>
    public static List<string> Entries(string root) =>
        [.. Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(path => (path, relative: Relative(root, path)))
            .Where(e => !IsState(e.relative))
            .Select(e => new FileInfo(e.path) switch
            {
                { LinkTarget: { } target } => $"{e.relative} -> {target}",
                { Attributes: var a } when a.HasFlag(FileAttributes.Directory) => $"{e.relative}/",
                var f => $"{e.relative} {f.Length} {TempFolder.Sha256(e.path)}",
            })
            .Order(StringComparer.Ordinal)];

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    private static bool IsState(string relative) =>
        relative == CachePaths.StateFolder || relative.StartsWith(CachePaths.StateFolder + "/", StringComparison.Ordinal);
}
