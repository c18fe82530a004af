namespace Atmos.Cache.Emulator.Cache;

/// <summary>One cache entry: reserved by CreateCacheEntry, visible once finalized.</summary>
public sealed class CacheRecord
{
    public required long Id { get; init; }
    public required string Key { get; init; }
    public required string Version { get; init; }
    public required string Ref { get; init; }
    /// <summary>The blob holding the content, inside the emulator's container.</summary>
    public required string BlobName { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset LastAccessedAt { get; set; }
    public long SizeBytes { get; set; }
    public bool Finalized { get; set; }
}
