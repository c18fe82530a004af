namespace Atmos.Cache.Archiving.Trailer;

/// <summary>
/// The two-letter tag of a trailer record (a gzip extra subfield ID, RFC 1952 2.3.1.1). The tags
/// the package writes start with 'A' (Atmos); readers skip tags they do not know.
/// </summary>
internal readonly record struct TrailerTag(byte First, byte Second)
{
    /// <summary>
    /// Trailer v2: SHA-256 of the archive's stored bytes before the trailer, i.e. the compressed data
    /// (32 bytes). What archives are written with: it can be checked as the bytes arrive, before anything is decompressed.
    /// </summary>
    public static TrailerTag StoredDigest { get; } = new((byte)'A', (byte)'C');

    /// <summary>Trailer v1: SHA-256 of the uncompressed tar stream (32 bytes). Still read and checked; no longer written.</summary>
    public static TrailerTag ContentDigest { get; } = new((byte)'A', (byte)'D');

    /// <summary>HMAC-SHA-256 signature of the entry over its digest (32 bytes): v2 over the stored digest, v1 over the content digest.</summary>
    public static TrailerTag Signature { get; } = new((byte)'A', (byte)'S');

    /// <summary>A piece of the gzip chunk index (where independently inflatable chunks start).</summary>
    public static TrailerTag ChunkIndex { get; } = new((byte)'A', (byte)'I');

    /// <summary>Written last by the encoder: the trailer's total length, so a reader finds it from the end.</summary>
    internal static TrailerTag Locator { get; } = new((byte)'A', (byte)'Z');

    public override string ToString() => $"{(char)First}{(char)Second}";
}
