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
    /// <summary>Nothing was done: the key was already restored in this lifecycle, or this job may not restore (see <see cref="Reason"/>).</summary>
    public bool Skipped { get; init; }
    /// <summary>Why nothing was done when <see cref="Skipped"/>.</summary>
    public string? Reason { get; init; }
    /// <summary>Only looked up: <see cref="Hit"/>, <see cref="Exact"/> and <see cref="MatchedKey"/> say what a restore would get; nothing was downloaded.</summary>
    public bool LookupOnly { get; init; }
    /// <summary>Entries that matched but were not trusted (unsigned or wrongly signed) and counted as misses.</summary>
    public IReadOnlyList<RejectedEntry> Rejected { get; init; } = [];
    /// <summary>Size of the archive downloaded, in bytes (0 on a miss or skip).</summary>
    public long ArchiveBytes { get; init; }
    /// <summary>Files and folders written into the root.</summary>
    public long Entries { get; init; }
    /// <summary>Bytes of file content restored.</summary>
    public long ContentBytes { get; init; }
    /// <summary>Regular files restored.</summary>
    public long Files { get; init; }
    public TimeSpan Elapsed { get; init; }
}
