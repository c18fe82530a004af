using Atmos.Cache.Configuration;

namespace Atmos.Cache.Backends.S3.Credentials;

/// <summary><c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c> and, for temporary keys, <c>AWS_SESSION_TOKEN</c>.</summary>
internal sealed class EnvironmentCredentialSource(IEnvironment environment) : IAwsCredentialSource
{
    public string Name => "environment variables";

    public Task<AwsCredentials?> TryGetAsync(CancellationToken cancellationToken)
    {
        var id = AwsEnvironment.Value(environment, AwsEnvironment.AccessKeyId);
        var secret = AwsEnvironment.Value(environment, AwsEnvironment.SecretAccessKey);
        if (id is null || secret is null)
        {
            return Task.FromResult<AwsCredentials?>(null);
        }

        // AWS_SECURITY_TOKEN is the older name some tools still set.
        var token = AwsEnvironment.Value(environment, AwsEnvironment.SessionToken) ?? AwsEnvironment.Value(environment, "AWS_SECURITY_TOKEN");
        return Task.FromResult<AwsCredentials?>(new AwsCredentials(id, secret, token, source: Name));
    }
}
