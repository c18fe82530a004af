namespace Atmos.Cache.Archiving;

/// <summary>The compression of a cache archive. Restore recognises either by its magic bytes.</summary>
public enum ArchiveCompression
{
    Gzip,
    Zstd,
}
