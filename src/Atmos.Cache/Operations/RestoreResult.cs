namespace Atmos.Cache.Operations;

/// <summary>The outcome of a restore.</summary>
public sealed record RestoreResult
{
    /// <summary>The exact key that was asked for.</summary>
    public required string Key { get; init; }
    /// <summary>An entry was restored (exact or prefix match).</summary>
    public bool Hit { get; init; }
    /// <summary>The key actually restored.</summary>
    public string? MatchedKey { get; init; }
    /// <summary>The exact key matched (rather than a restore-key prefix).</summary>
    public bool Exact { get; init; }
    /// <summary>Nothing was done because this key was already restored in this lifecycle.</summary>
    public bool Skipped { get; init; }
    /// <summary>Size of the archive downloaded, in bytes (0 on a miss or skip).</summary>
    public long ArchiveBytes { get; init; }
    /// <summary>Files and folders written into the root.</summary>
    public long Entries { get; init; }
    public TimeSpan Elapsed { get; init; }
}
