using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Atmos.Cache.Archiving.Integrity;

/// <summary>
/// Signs and checks cache entries with the secret of <c>ATMOS_CI_CACHE_SIGNING_KEY</c>: an
/// HMAC-SHA-256 over the archive's content digest, the entry's key and its version namespace, so a
/// signed archive cannot be replayed under another key. The secret never leaves this type (its text
/// form is redacted), so a configuration record that holds a signer can be printed safely.
/// </summary>
public sealed class EntrySigner
{
    /// <summary>The environment variable that holds the secret. Environment only: never an MSBuild property.</summary>
    public const string Variable = "ATMOS_CI_CACHE_SIGNING_KEY";

    /// <summary>Length of a signature in bytes.</summary>
    public const int SignatureLength = 32;

    // Separates this use of the secret from any other the team may make of it.
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("atmos-cache-entry-signature-v1");

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

    /// <summary>The signature of an entry with this content digest, key and version.</summary>
    public byte[] Sign(ReadOnlySpan<byte> contentDigest, string key, string version)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(version);
        return HMACSHA256.HashData(_secret, Message(contentDigest, key, version));
    }

    /// <summary>Whether <paramref name="signature"/> is this secret's signature of the entry (compared in constant time).</summary>
    public bool Verify(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> contentDigest, string key, string version) =>
        signature.Length == SignatureLength
        && CryptographicOperations.FixedTimeEquals(signature, Sign(contentDigest, key, version));

    public override string ToString() => "EntrySigner(secret redacted)";

    /// <summary>Each part length-prefixed, so no two (digest, key, version) triples give the same message.</summary>
    private static byte[] Message(ReadOnlySpan<byte> digest, string key, string version)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var versionBytes = Encoding.UTF8.GetBytes(version);
        var message = new byte[Domain.Length + (3 * sizeof(int)) + digest.Length + keyBytes.Length + versionBytes.Length];
        var span = message.AsSpan();
        Domain.CopyTo(span);
        span = span[Domain.Length..];
        foreach (var part in new[] { digest.ToArray(), keyBytes, versionBytes })
        {
            BinaryPrimitives.WriteInt32BigEndian(span, part.Length);
            part.CopyTo(span[sizeof(int)..]);
            span = span[(sizeof(int) + part.Length)..];
        }

        return message;
    }
}
