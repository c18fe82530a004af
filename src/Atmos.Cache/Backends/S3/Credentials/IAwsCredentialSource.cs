namespace Atmos.Cache.Backends.S3.Credentials;

/// <summary>
/// One place AWS credentials may come from. Returns null when the place is not configured (so the
/// chain tries the next one); throws with a message that says what to fix when it is configured
/// but fails, as the AWS CLI stops at a configured source that fails.
/// </summary>
internal interface IAwsCredentialSource
{
    /// <summary>The source's name in messages, e.g. <c>environment variables</c>.</summary>
    string Name { get; }

    Task<AwsCredentials?> TryGetAsync(CancellationToken cancellationToken);
}
