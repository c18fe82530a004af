namespace Atmos.Cache.Archiving.Tar;

/// <summary>
/// What the tar reader accepts, checked from each header before anything is allocated for the entry.
/// Every byte the reader consumes falls under one of these bounds, so an archive cannot make a
/// restore read (or decompress) much more than the content it actually writes.
/// </summary>
internal sealed record TarLimits
{
    /// <summary>Headers of any kind, metadata records (PAX <c>x</c>/<c>g</c>, GNU <c>L</c>/<c>K</c>) included.</summary>
    public long MaxEntries { get; init; } = 2_000_000;

    /// <summary>Declared content of all entries together, counted when the header is read.</summary>
    public long MaxContentBytes { get; init; } = 32L * 1024 * 1024 * 1024;

    /// <summary>An entry name in UTF-8 bytes (Linux's PATH_MAX: a longer one could not be created anyway).</summary>
    public int MaxPathBytes { get; init; } = 4096;

    /// <summary>Components of an entry name.</summary>
    public int MaxPathComponents { get; init; } = 1024;

    /// <summary>One component of a name (NAME_MAX on Linux, macOS and Windows).</summary>
    public int MaxComponentBytes { get; init; } = 255;

    /// <summary>A symbolic link's target in UTF-8 bytes (symlink(2) refuses PATH_MAX and more).</summary>
    public int MaxLinkTargetBytes { get; init; } = 4096;

    /// <summary>One metadata record (long name or PAX header): real ones are a few hundred bytes.</summary>
    public int MaxMetadataRecordBytes { get; init; } = 64 * 1024;

    /// <summary>All metadata records together (250,000 entries with 2 KB long names use half of it).</summary>
    public long MaxMetadataBytes { get; init; } = 1L << 30;

    /// <summary>Content the reader skips rather than hands over (entries the extractor leaves out).</summary>
    public long MaxSkippedBytes { get; init; } = 1L << 30;

    /// <summary>
    /// Decompressed bytes read after the end-of-archive marker, so the decompressor can check its
    /// own end (CRC, checksum, a small trailing member); anything longer is left unread, with a warning.
    /// </summary>
    public int MaxBytesAfterEnd { get; init; } = 8 * 1024 * 1024;
}
