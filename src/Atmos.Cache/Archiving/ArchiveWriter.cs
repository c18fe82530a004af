namespace Atmos.Cache.Archiving;

/// <summary>Writes a cache root (or its include paths) as one compressed tar stream.</summary>
public static class ArchiveWriter
{
    /// <summary>
    /// Archives <paramref name="root"/> into a new file at <paramref name="archivePath"/>.
    /// The state folder and the auth folders are never archived.
    /// </summary>
    public static Task<ArchiveStats> WriteAsync(string root, string archivePath, ArchiveWriteOptions options, CancellationToken cancellationToken)
        => throw new NotImplementedException();
}

/// <summary>How to write an archive.</summary>
public sealed record ArchiveWriteOptions
{
    public ArchiveCompression Compression { get; init; } = ArchiveCompression.Gzip;
    /// <summary>Root-relative paths to include; empty means the whole root.</summary>
    public IReadOnlyList<string> Includes { get; init; } = [];
    public Diagnostics.ICacheLogger Logger { get; init; } = Diagnostics.NullCacheLogger.Instance;
}

/// <summary>What an archive or extraction step handled.</summary>
public sealed record ArchiveStats(long Entries, long ContentBytes, long ArchiveBytes);
