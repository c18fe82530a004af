using System.Net;
using System.Net.Http.Headers;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.S3.Credentials;

/// <summary>
/// The container credential endpoint of ECS, CodeBuild and EKS Pod Identity:
/// <c>AWS_CONTAINER_CREDENTIALS_RELATIVE_URI</c> (on the agent's 169.254.170.2) or
/// <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> (https, or http to this machine or the agent's
/// addresses), with the authorization token from <c>AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE</c> or
/// <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c>.
/// </summary>
internal sealed class ContainerCredentialSource(CredentialContext context) : IAwsCredentialSource
{
    private static readonly string[] AgentHosts = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]"];

    public string Name => "the container credential endpoint";

    public async Task<AwsCredentials?> TryGetAsync(CancellationToken cancellationToken)
    {
        var endpoint = Endpoint();
        if (endpoint is null)
        {
            return null;
        }

        var token = await AuthorizationTokenAsync(cancellationToken).ConfigureAwait(false);
        var redactor = new SecretRedactor(token);
        var retry = new RetryPolicy(context.Retry, redactor, context.Logger);
        var what = $"Reading credentials from {Name} ({SecretRedactor.RedactUrl(endpoint)})";
        return await retry.ExecuteAsync(what, context.Retry.RequestTimeout, async attempt =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
            if (token is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", token);
            }

            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            var response = await context.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt).ConfigureAwait(false);
            await HttpResponses.ThrowIfTransientAsync(response, what, redactor, attempt).ConfigureAwait(false);
            using (response)
            {
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new CacheUnavailableException($"{Name} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}; check the task role and the authorization token.");
                }

                return CredentialDocuments.FromJson(await response.Content.ReadAsStringAsync(attempt).ConfigureAwait(false), Name);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private Uri? Endpoint()
    {
        if (AwsEnvironment.Value(context.Environment, AwsEnvironment.ContainerRelativeUri) is { } relative)
        {
            return new Uri(context.ContainerHost, relative.StartsWith('/') ? relative : "/" + relative);
        }

        if (AwsEnvironment.Value(context.Environment, AwsEnvironment.ContainerFullUri) is not { } full)
        {
            return null;
        }

        if (!Uri.TryCreate(full, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new CacheConfigurationException($"{AwsEnvironment.ContainerFullUri} is not an http(s) URL.");
        }

        if (url.Scheme == "http" && !url.IsLoopback && !AgentHosts.Contains(url.Host, StringComparer.OrdinalIgnoreCase))
        {
            throw new CacheConfigurationException(
                $"{AwsEnvironment.ContainerFullUri} uses plain http to {url.Host}; only https, this machine or the container agent's addresses are allowed.");
        }

        return url;
    }

    private async Task<string?> AuthorizationTokenAsync(CancellationToken cancellationToken)
    {
        if (AwsEnvironment.Value(context.Environment, AwsEnvironment.ContainerTokenFile) is { } file)
        {
            try
            {
                return (await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false)).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CacheUnavailableException($"The container authorization token file '{file}' cannot be read: {e.GetType().Name}.");
            }
        }

        return AwsEnvironment.Value(context.Environment, AwsEnvironment.ContainerToken);
    }
}
