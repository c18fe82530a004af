using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Atmos.Cache.Archiving.Integrity;

/// <summary>
/// Signs and checks cache entries with the secret of <c>ATMOS_CI_CACHE_SIGNING_KEY</c>: an
/// HMAC-SHA-256 over the archive's digest, the entry's key and its version namespace, so a signed
/// archive cannot be replayed under another key. v2 signs the digest of the trailer's records (which
/// hold the stored bytes' digest and the chunk index: <see cref="SealedRecords"/>); v1, still
/// checked, signed the tar stream's digest. Each has its own domain string. The secret never leaves this type (its text
/// form is redacted), so a configuration record that holds a signer can be printed safely.
/// </summary>
public sealed class EntrySigner
{
    /// <summary>The environment variable that holds the secret. Environment only: never an MSBuild property.</summary>
    public const string Variable = "ATMOS_CI_CACHE_SIGNING_KEY";

    /// <summary>Length of a signature in bytes.</summary>
    public const int SignatureLength = 32;

    // Separates this use of the secret from any other the team may make of it, and v1 from v2.
    private static readonly byte[] DomainV1 = Encoding.ASCII.GetBytes("atmos-cache-entry-signature-v1");
    private static readonly byte[] DomainV2 = Encoding.ASCII.GetBytes("atmos-cache-entry-signature-v2");

    private readonly byte[] _secret;

    public EntrySigner(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        _secret = Encoding.UTF8.GetBytes(secret);
    }

    /// <summary>A signer for the secret in the environment, or null when none is set.</summary>
    public static EntrySigner? FromEnvironment(Configuration.IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var secret = environment.Get(Variable);
        return string.IsNullOrWhiteSpace(secret) ? null : new EntrySigner(secret.Trim());
    }

    /// <summary>
    /// The signature of an entry with this key and version over <paramref name="digest"/>: with
    /// <see cref="DigestScope.StoredBytes"/> the <see cref="SealedRecords"/> digest of a v2 trailer,
    /// with <see cref="DigestScope.TarStream"/> a v1 trailer's content digest.
    /// </summary>
    internal byte[] Sign(DigestScope scope, ReadOnlySpan<byte> digest, string key, string version)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(version);
        return HMACSHA256.HashData(_secret, Message(scope == DigestScope.StoredBytes ? DomainV2 : DomainV1, digest, key, version));
    }

    /// <summary>Whether <paramref name="signature"/> is this secret's signature of the entry (compared in constant time).</summary>
    internal bool Verify(DigestScope scope, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> digest, string key, string version) =>
        signature.Length == SignatureLength
        && CryptographicOperations.FixedTimeEquals(signature, Sign(scope, digest, key, version));

    public override string ToString() => "EntrySigner(secret redacted)";

    /// <summary>Each part length-prefixed, so no two (digest, key, version) triples give the same message.</summary>
    private static byte[] Message(byte[] domain, ReadOnlySpan<byte> digest, string key, string version)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var versionBytes = Encoding.UTF8.GetBytes(version);
        var message = new byte[domain.Length + (3 * sizeof(int)) + digest.Length + keyBytes.Length + versionBytes.Length];
        var span = message.AsSpan();
        domain.CopyTo(span);
        span = span[domain.Length..];
        foreach (var part in new[] { digest.ToArray(), keyBytes, versionBytes })
        {
            BinaryPrimitives.WriteInt32BigEndian(span, part.Length);
            part.CopyTo(span[sizeof(int)..]);
            span = span[(sizeof(int) + part.Length)..];
        }

        return message;
    }
}
