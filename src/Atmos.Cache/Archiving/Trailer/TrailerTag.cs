namespace Atmos.Cache.Archiving.Trailer;

/// <summary>
/// The two-letter tag of a trailer record (a gzip extra subfield ID, RFC 1952 2.3.1.1). The tags
/// the package writes start with 'A' (Atmos); readers skip tags they do not know.
/// </summary>
internal readonly record struct TrailerTag(byte First, byte Second)
{
    /// <summary>SHA-256 of the uncompressed tar stream (32 bytes).</summary>
    public static TrailerTag ContentDigest { get; } = new((byte)'A', (byte)'D');

    /// <summary>HMAC-SHA-256 signature of the entry (32 bytes).</summary>
    public static TrailerTag Signature { get; } = new((byte)'A', (byte)'S');

    /// <summary>A piece of the gzip chunk index (where independently inflatable chunks start).</summary>
    public static TrailerTag ChunkIndex { get; } = new((byte)'A', (byte)'I');

    /// <summary>Written last by the encoder: the trailer's total length, so a reader finds it from the end.</summary>
    internal static TrailerTag Locator { get; } = new((byte)'A', (byte)'Z');

    public override string ToString() => $"{(char)First}{(char)Second}";
}
