using System.Security.Cryptography;
using Atmos.Cache.Archiving.Trailer;

namespace Atmos.Cache.Archiving.Integrity;

/// <summary>The digest an archive's trailer records and what it covers; the v2 (stored bytes) one wins when both are there.</summary>
internal sealed record RecordedDigest(DigestScope Scope, ReadOnlyMemory<byte> Value)
{
    /// <summary>The recorded digest, or null when the archive carries none (the Atmos CLI's, GNU tar's).</summary>
    public static RecordedDigest? Of(ArchiveTrailer? trailer) =>
        trailer?.Find(TrailerTag.StoredDigest) is { } stored ? new RecordedDigest(DigestScope.StoredBytes, stored)
        : trailer?.Find(TrailerTag.ContentDigest) is { } content ? new RecordedDigest(DigestScope.TarStream, content)
        : null;

    /// <summary>Whether <paramref name="computed"/> (of this scope) is the recorded value, compared in constant time.</summary>
    public bool Matches(ReadOnlySpan<byte> computed) =>
        Value.Length == SHA256.HashSizeInBytes && CryptographicOperations.FixedTimeEquals(Value.Span, computed);
}
