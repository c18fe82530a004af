using System.Net;
using System.Xml.Linq;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.S3.Credentials;

/// <summary>
/// STS <c>AssumeRoleWithWebIdentity</c>: trades an OIDC token (GitHub Actions, EKS, GitLab) for
/// temporary credentials of a role. The call is not signed; the token is its proof. The endpoint is
/// <c>AWS_ENDPOINT_URL_STS</c>, else <c>AWS_ENDPOINT_URL</c>, else STS of the region.
/// </summary>
internal sealed class StsWebIdentity(CredentialContext context)
{
    public async Task<AwsCredentials> AssumeRoleAsync(string tokenFile, string roleArn, string? sessionName, string source, CancellationToken cancellationToken)
    {
        string token;
        try
        {
            token = (await File.ReadAllTextAsync(tokenFile, cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CacheUnavailableException($"The web identity token file '{tokenFile}' ({source}) cannot be read: {e.GetType().Name}.");
        }

        if (token.Length == 0)
        {
            throw new CacheUnavailableException($"The web identity token file '{tokenFile}' ({source}) is empty.");
        }

        var endpoint = Endpoint();
        var redactor = new SecretRedactor(token);
        var retry = new RetryPolicy(context.Retry, redactor, context.Logger);
        var form = new Dictionary<string, string>
        {
            ["Action"] = "AssumeRoleWithWebIdentity",
            ["Version"] = "2011-06-15",
            ["RoleArn"] = roleArn,
            ["RoleSessionName"] = string.IsNullOrWhiteSpace(sessionName) ? "atmos-cache-" + DateTimeOffset.UtcNow.ToUnixTimeSeconds() : sessionName,
            ["WebIdentityToken"] = token,
        };

        var what = $"Assuming role {roleArn} with a web identity token through {SecretRedactor.RedactUrl(endpoint)}";
        return await retry.ExecuteAsync(what, context.Retry.RequestTimeout, async attempt =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) };
            var response = await context.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt).ConfigureAwait(false);
            await HttpResponses.ThrowIfTransientAsync(response, what, redactor, attempt).ConfigureAwait(false);
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(attempt).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new CacheUnavailableException(redactor.Redact(
                        $"STS refused to let the web identity token assume role {roleArn}: HTTP {(int)response.StatusCode} {ErrorText(body)}. " +
                        "Check the role's trust policy (audience and subject of the token) and AWS_ROLE_ARN."));
                }

                return CredentialDocuments.FromStsXml(body, source);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private Uri Endpoint()
    {
        var configured = AwsEnvironment.Value(context.Environment, AwsEnvironment.StsEndpoint) ?? AwsEnvironment.Value(context.Environment, AwsEnvironment.Endpoint);
        return configured is not null
            ? CredentialGuard.ParseServiceUrl(configured, AwsEnvironment.StsEndpoint)
            : new Uri($"https://sts.{context.Region}.amazonaws.com/");
    }

    // "Code: Message" from an STS ErrorResponse; the body itself is never quoted.
    private static string ErrorText(string body)
    {
        try
        {
            var error = XDocument.Parse(body).Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            string? Child(string name) => error?.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
            return error is null ? "" : $"{Child("Code")}: {Child("Message")}";
        }
        catch (System.Xml.XmlException)
        {
            return "";
        }
    }
}
