namespace Atmos.Cache.Backends.GitHub;

/// <summary>
/// How archives move to and from blob storage. Memory use stays flat and small: blocks are
/// streamed from the archive file (a 256 KiB buffer per block in flight, whatever the block size),
/// and downloads stream each range to disk through a 1 MiB buffer per range in flight. The defaults
/// were measured against the official client's 64 MiB × 8 (single shot up to 128 MiB) and 8 MiB or
/// 32 MiB pieces (docs/performance.md, "Transfer settings"): uploads start while the archive is
/// written and the extraction follows the download, so larger pieces only start both later.
/// </summary>
public sealed record TransferSettings
{
    private const int MiB = 1024 * 1024;

    /// <summary>Archives smaller than this go up in one Put Blob; larger ones as staged blocks.</summary>
    public long SingleShotLimit { get; init; } = 32L * MiB;

    /// <summary>Size of each staged block (Azure allows up to 50,000 blocks per blob).</summary>
    public int BlockSize { get; init; } = 16 * MiB;

    /// <summary>Blocks in flight at once.</summary>
    public int UploadParallelism { get; init; } = 4;

    /// <summary>Size of each ranged GET.</summary>
    public int RangeSize { get; init; } = 16 * MiB;

    /// <summary>Ranges in flight at once.</summary>
    public int DownloadParallelism { get; init; } = 4;

    /// <summary>Transfers at least this big report progress every 10%.</summary>
    public long ProgressMinimumBytes { get; init; } = 32L * MiB;

    internal void Validate()
    {
        if (SingleShotLimit < 0 || BlockSize < 1 || UploadParallelism < 1 || RangeSize < 1 || DownloadParallelism < 1)
        {
            throw new ArgumentException("Transfer sizes and parallelism must be positive.");
        }
    }
}
