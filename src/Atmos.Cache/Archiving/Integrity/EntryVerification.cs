using System.Security.Cryptography;
using Atmos.Cache.Archiving.Trailer;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Archiving.Integrity;

/// <summary>
/// Checks a restored archive before anything reaches the root: the content digest its trailer
/// carries against the digest of the bytes actually decompressed, then (with a signer) the
/// signature over that digest, the matched key and the version. Archives without a digest (the
/// Atmos CLI's, older ones) pass the digest check; without a signer every signature is ignored.
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
    /// Throws <see cref="CacheIntegrityException"/> when the content does not match its digest, and
    /// <see cref="CacheUntrustedEntryException"/> when the signature is missing (and required) or wrong.
    /// </summary>
    public void Check(ArchiveTrailer? trailer, ReadOnlySpan<byte> contentDigest)
    {
        var recorded = trailer?.Find(TrailerTag.ContentDigest);
        if (recorded is { } digest
            && (digest.Length != SHA256.HashSizeInBytes || !CryptographicOperations.FixedTimeEquals(digest.Span, contentDigest)))
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

        if (!Signer.Verify(signature.Value.Span, recorded.Value.Span, Key, Version))
        {
            throw new CacheUntrustedEntryException(Key,
                $"The cache entry '{Key}' is signed with another key than {EntrySigner.Variable} (or was altered): it counts as a miss.");
        }
    }

    private string Named => Key is null ? "" : $" '{Key}'";
}
