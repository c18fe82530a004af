using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Atmos.Cache.Backends.S3.Credentials;

namespace Atmos.Cache.Backends.S3.Signing;

/// <summary>
/// AWS Signature Version 4 (<c>AWS4-HMAC-SHA256</c>) for one region and service: the string to sign
/// over a <see cref="CanonicalRequest"/>, the derived signing key and the <c>Authorization</c> value.
/// The signature and the secret never leave this type except inside the header value.
/// </summary>
internal sealed class SigV4Signer(string region, string service)
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>The hex SHA-256 of an empty body.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public string Region { get; } = region;

    public string Service { get; } = service;

    /// <summary>The <c>x-amz-date</c> form of an instant: <c>yyyyMMddTHHmmssZ</c> in UTC.</summary>
    public static string AmzDate(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The credential scope: <c>date/region/service/aws4_request</c>.</summary>
    public string Scope(DateTimeOffset time) =>
        $"{time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/{Region}/{Service}/aws4_request";

    public string StringToSign(CanonicalRequest request, DateTimeOffset time) =>
        $"{Algorithm}\n{AmzDate(time)}\n{Scope(time)}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(request.Text)))}";

    /// <summary>The <c>Authorization</c> header value for the canonical request at <paramref name="time"/>.</summary>
    public string Authorization(CanonicalRequest request, AwsCredentials credentials, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var key = SigningKey(credentials.SecretAccessKey, time);
        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(StringToSign(request, time))));
        return $"{Algorithm} Credential={credentials.AccessKeyId}/{Scope(time)}, SignedHeaders={request.SignedHeaders}, Signature={signature}";
    }

    private byte[] SigningKey(string secret, DateTimeOffset time)
    {
        var date = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)));
        var regional = HMACSHA256.HashData(date, Encoding.UTF8.GetBytes(Region));
        var serviceKey = HMACSHA256.HashData(regional, Encoding.UTF8.GetBytes(Service));
        return HMACSHA256.HashData(serviceKey, "aws4_request"u8);
    }

    /// <summary>Lower-case hex, as Signature V4 writes hashes and signatures.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    /// <summary>The hex SHA-256 of a body.</summary>
    public static string PayloadHash(ReadOnlySpan<byte> body) => Hex(SHA256.HashData(body));
}
