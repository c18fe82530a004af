using Atmos.Cache.Archiving.Trailer;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Archiving.Integrity;

/// <summary>
/// Checks a restored archive before anything reaches the root: the digest its trailer records
/// against the digest of the bytes actually read (v2: the stored bytes, checked before decompressing
/// where the whole archive is at hand; v1: the decompressed tar stream), then (with a signer) the
/// signature. Archives without a digest (the Atmos CLI's) pass the digest check; without a signer
/// every signature is ignored.
/// </summary>
internal sealed record EntryVerification
{
    /// <summary>Only the content digest is checked: what an extraction does without more to go on.</summary>
    public static EntryVerification DigestOnly { get; } = new();

    /// <summary>The key of the entry being restored (the matched key, which the signature covers); named in messages.</summary>
    public string? Key { get; init; }

    /// <summary>The version namespace of the entry.</summary>
    public string Version { get; init; } = "";

    /// <summary>Checks signatures when set.</summary>
    public EntrySigner? Signer { get; init; }

    /// <summary>With a signer: refuse unsigned entries too (false: "verify when signed", for a migration period).</summary>
    public bool RequireSignature { get; init; } = true;

    /// <summary>
    /// Throws <see cref="CacheIntegrityException"/> when the bytes do not match the recorded digest
    /// (<paramref name="computed"/> is the digest of the scope <see cref="RecordedDigest.Of"/> names;
    /// unused when the archive records none), and <see cref="CacheUntrustedEntryException"/> when the
    /// signature is missing (and required) or wrong.
    /// </summary>
    public void Check(ArchiveTrailer? trailer, ReadOnlySpan<byte> computed)
    {
        var recorded = RecordedDigest.Of(trailer);
        if (recorded is not null && !recorded.Matches(computed))
        {
            throw new CacheIntegrityException(Key ?? "",
                $"The cache entry{Named} is corrupt: its content does not match the SHA-256 digest it was saved with. It was not restored; the root is unchanged.");
        }

        if (Signer is null || Key is null)
        {
            return;
        }

        var signature = trailer?.Find(TrailerTag.Signature);
        if (signature is null || recorded is null)
        {
            if (RequireSignature)
            {
                throw new CacheUntrustedEntryException(Key,
                    $"The cache entry '{Key}' is not signed, and {EntrySigner.Variable} is set: it counts as a miss (set AtmosCacheRequireSignature=false to accept unsigned entries while migrating).");
            }

            return;
        }

        var signed = recorded.Scope == DigestScope.StoredBytes ? SealedRecords.Digest(trailer!.Records) : recorded.Value.ToArray();
        if (!Signer.Verify(recorded.Scope, signature.Value.Span, signed, Key, Version))
        {
            throw new CacheUntrustedEntryException(Key,
                $"The cache entry '{Key}' is signed with another key than {EntrySigner.Variable} (or was altered): it counts as a miss.");
        }
    }

    private string Named => Key is null ? "" : $" '{Key}'";
}
