namespace Atmos.Cache.Operations;

/// <summary>The outcome of a save.</summary>
public sealed record SaveResult
{
    public required string Key { get; init; }
    /// <summary>The entry was uploaded, or found already present remotely.</summary>
    public bool Saved { get; init; }
    /// <summary>Nothing was uploaded.</summary>
    public bool Skipped { get; init; }
    /// <summary>Why nothing was uploaded, e.g. "exact cache hit; content unchanged".</summary>
    public string? Reason { get; init; }
    /// <summary>Size of the archive uploaded, in bytes.</summary>
    public long ArchiveBytes { get; init; }
    /// <summary>Files and folders archived.</summary>
    public long Entries { get; init; }
    /// <summary>Bytes of file content archived.</summary>
    public long ContentBytes { get; init; }
    /// <summary>Regular files archived.</summary>
    public long Files { get; init; }
    public TimeSpan Elapsed { get; init; }
}
