namespace Atmos.Cache.Archiving;

/// <summary>
/// Extracts a cache archive into a root, all or nothing: the archive is unpacked into a staging
/// folder first and only moved into the root when every entry was valid.
/// </summary>
public static class ArchiveExtractor
{
    public static Task<ArchiveStats> ExtractAsync(string archivePath, string root, ExtractOptions options, CancellationToken cancellationToken)
        => throw new NotImplementedException();
}

/// <summary>Bounds and logging for an extraction.</summary>
public sealed record ExtractOptions
{
    /// <summary>The most bytes of file content an archive may write.</summary>
    public long MaxTotalBytes { get; init; } = 32L * 1024 * 1024 * 1024;
    /// <summary>The most entries an archive may hold.</summary>
    public long MaxEntries { get; init; } = 2_000_000;
    public Diagnostics.ICacheLogger Logger { get; init; } = Diagnostics.NullCacheLogger.Instance;
}
