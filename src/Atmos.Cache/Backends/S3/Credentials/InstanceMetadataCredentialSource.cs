using System.Net;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.S3.Credentials;

/// <summary>
/// The EC2 instance profile through IMDSv2: a session token (PUT <c>/latest/api/token</c>), the
/// role name, then the role's credentials. Off EC2 nobody answers, so each request has a short
/// timeout and "no answer" means "not here" (null), not a failure. <c>AWS_EC2_METADATA_DISABLED=true</c>
/// turns it off.
/// </summary>
internal sealed class InstanceMetadataCredentialSource(CredentialContext context) : IAwsCredentialSource
{
    private const string CredentialsPath = "/latest/meta-data/iam/security-credentials/";

    public string Name => "the EC2 instance metadata service (IMDSv2)";

    public async Task<AwsCredentials?> TryGetAsync(CancellationToken cancellationToken)
    {
        if (string.Equals(AwsEnvironment.Value(context.Environment, AwsEnvironment.MetadataDisabled), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        // The metadata service only speaks plain http, on a link-local address (or one the variable names).
        var endpoint = context.MetadataEndpoint;
        if (AwsEnvironment.Value(context.Environment, AwsEnvironment.MetadataEndpoint) is { } configured)
        {
            endpoint = Uri.TryCreate(configured, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                ? url
                : throw new CacheConfigurationException($"{AwsEnvironment.MetadataEndpoint} is not an http URL.");
        }

        var token = await SendAsync(HttpMethod.Put, new Uri(endpoint, "/latest/api/token"), null, cancellationToken).ConfigureAwait(false);
        if (token is null)
        {
            return null;
        }

        var roles = await SendAsync(HttpMethod.Get, new Uri(endpoint, CredentialsPath), token, cancellationToken).ConfigureAwait(false);
        var role = roles?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (role is null)
        {
            return null;
        }

        var document = await SendAsync(HttpMethod.Get, new Uri(endpoint, CredentialsPath + Uri.EscapeDataString(role)), token, cancellationToken).ConfigureAwait(false)
            ?? throw new CacheUnavailableException($"{Name} listed the role '{role}' but gave no credentials for it.");
        return CredentialDocuments.FromJson(document, Name);
    }

    /// <summary>
    /// The body of a 200 answer; null when nobody answers, or when the answer is not a 200: a 404 is
    /// "no instance profile", and other clouds' metadata services at the same address (Azure's, on
    /// GitHub-hosted runners) refuse EC2's requests.
    /// </summary>
    private async Task<string?> SendAsync(HttpMethod method, Uri url, string? token, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(context.MetadataTimeout);
        using var request = new HttpRequestMessage(method, url);
        if (token is null)
        {
            request.Headers.Add("X-aws-ec2-metadata-token-ttl-seconds", "21600");
        }
        else
        {
            request.Headers.Add("X-aws-ec2-metadata-token", token);
        }

        try
        {
            using var response = await context.Http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            }

            context.Logger.Log(Diagnostics.CacheLogLevel.Detail, $"{Name} answered HTTP {(int)response.StatusCode} to {url.AbsolutePath}: not an EC2 instance profile.");
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
