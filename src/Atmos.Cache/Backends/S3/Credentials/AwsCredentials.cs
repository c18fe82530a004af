namespace Atmos.Cache.Backends.S3.Credentials;

/// <summary>
/// A set of AWS credentials and where they came from. <see cref="ToString"/> shows only the access
/// key id and the source: the secret and the session token never reach a log line or message.
/// </summary>
public sealed class AwsCredentials
{
    public AwsCredentials(string accessKeyId, string secretAccessKey, string? sessionToken = null, DateTimeOffset? expiration = null, string source = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessKeyId);
        ArgumentException.ThrowIfNullOrWhiteSpace(secretAccessKey);
        AccessKeyId = accessKeyId.Trim();
        SecretAccessKey = secretAccessKey.Trim();
        SessionToken = string.IsNullOrWhiteSpace(sessionToken) ? null : sessionToken.Trim();
        Expiration = expiration;
        Source = source;
    }

    public string AccessKeyId { get; }

    public string SecretAccessKey { get; }

    public string? SessionToken { get; }

    /// <summary>When temporary credentials expire (null for long-lived keys).</summary>
    public DateTimeOffset? Expiration { get; }

    /// <summary>Where the credentials were found, for messages (e.g. <c>environment variables</c>).</summary>
    public string Source { get; }

    /// <summary>Whether the credentials expire within <paramref name="margin"/> of <paramref name="now"/>.</summary>
    public bool ExpiresWithin(TimeSpan margin, DateTimeOffset now) => Expiration is { } expiration && expiration - margin <= now;

    public override string ToString() => $"AWS credentials {AccessKeyId} from {Source}";
}
