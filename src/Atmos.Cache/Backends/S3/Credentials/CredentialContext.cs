using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;

namespace Atmos.Cache.Backends.S3.Credentials;

/// <summary>What the credential sources share: the environment, the HTTP client, retries, the region and the log.</summary>
internal sealed record CredentialContext(IEnvironment Environment, HttpClient Http, RetrySettings Retry, string Region, ICacheLogger Logger)
{
    /// <summary>Where the ECS and CodeBuild agents serve <c>AWS_CONTAINER_CREDENTIALS_RELATIVE_URI</c>; tests point it elsewhere.</summary>
    public Uri ContainerHost { get; init; } = new("http://169.254.170.2");

    /// <summary>The EC2 instance metadata service (IMDSv2), unless <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c> says otherwise.</summary>
    public Uri MetadataEndpoint { get; init; } = new("http://169.254.169.254");

    /// <summary>How long one metadata request may take: short, because off EC2 nobody answers.</summary>
    public TimeSpan MetadataTimeout { get; init; } = TimeSpan.FromSeconds(1);
}
