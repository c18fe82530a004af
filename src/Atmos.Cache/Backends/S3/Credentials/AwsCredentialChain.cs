using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.S3.Credentials;

/// <summary>
/// Finds credentials the way the AWS tools do, first source that has them wins: environment
/// variables, web identity, the shared profile, the container endpoint, the EC2 instance profile.
/// Keeps them until five minutes before they expire, then looks again.
/// </summary>
internal sealed class AwsCredentialChain : IAwsCredentialProvider
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly IReadOnlyList<IAwsCredentialSource> _sources;
    private readonly ICacheLogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AwsCredentials? _current;

    public AwsCredentialChain(IReadOnlyList<IAwsCredentialSource> sources, ICacheLogger logger)
    {
        _sources = sources;
        _logger = logger;
    }

    /// <summary>The standard order of sources.</summary>
    public static AwsCredentialChain Default(CredentialContext context) => new(
        [
            new EnvironmentCredentialSource(context.Environment),
            new WebIdentityCredentialSource(context),
            new ProfileCredentialSource(context),
            new ContainerCredentialSource(context),
            new InstanceMetadataCredentialSource(context),
        ],
        context.Logger);

    public async Task<AwsCredentials> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && !current.ExpiresWithin(RefreshMargin, DateTimeOffset.UtcNow))
        {
            return current;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _current;
            if (current is not null && !current.ExpiresWithin(RefreshMargin, DateTimeOffset.UtcNow))
            {
                return current;
            }

            foreach (var source in _sources)
            {
                if (await source.TryGetAsync(cancellationToken).ConfigureAwait(false) is { } found)
                {
                    _logger.Log(CacheLogLevel.Detail, $"Using {found}.");
                    Volatile.Write(ref _current, found);
                    return found;
                }
            }

            throw new CacheUnavailableException(
                "No AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), AWS_PROFILE, " +
                "AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, or run where a container or EC2 instance role provides them.");
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>Hands out current credentials for signing.</summary>
internal interface IAwsCredentialProvider
{
    Task<AwsCredentials> GetAsync(CancellationToken cancellationToken);
}

/// <summary>Fixed credentials (tests, and callers that already hold them).</summary>
internal sealed class StaticCredentialProvider(AwsCredentials credentials) : IAwsCredentialProvider
{
    public Task<AwsCredentials> GetAsync(CancellationToken cancellationToken) => Task.FromResult(credentials);
}
