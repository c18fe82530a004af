namespace Atmos.Cache.Archiving.Integrity;

/// <summary>What an archive's recorded digest covers.</summary>
internal enum DigestScope
{
    /// <summary>Trailer v2: the stored (compressed) bytes before the trailer. Checked as they arrive, before decompressing.</summary>
    StoredBytes,

    /// <summary>Trailer v1: the decompressed tar stream. Archives written before v2 carry it; it is still checked.</summary>
    TarStream,
}
