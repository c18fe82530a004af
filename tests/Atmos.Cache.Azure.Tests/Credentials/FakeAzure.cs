using System.Globalization;
using Atmos.Cache.Azure.Tests.Infrastructure;
using Atmos.Cache.Backends;
using Atmos.Cache.Backends.Azure;
using Atmos.Cache.Configuration;
using Atmos.Cache.Testing;
using Microsoft.AspNetCore.Http;

namespace Atmos.Cache.Azure.Tests.Credentials;

/// <summary>
/// One fake on 127.0.0.1 for the token flows: Microsoft Entra ID's token endpoint, the instance
/// metadata service, Azure Pipelines' and GitHub Actions' OIDC endpoints, and a Blob service that
/// answers List Blobs with an empty page (Azurite takes bearer tokens only over https).
/// </summary>
internal sealed class FakeAzure : IAsyncDisposable
{
    public const string Tenant = "tenant-0001";
    public const string Client = "client-0002";
    public const string Container = "cache";
    public const string EntraToken = "entra-access-token-7c1d";
    public const string ImdsToken = "imds-access-token-93ab";
    public const string PipelinesJwt = "pipelines-oidc-jwt-55e1";
    public const string GitHubJwt = "github-oidc-jwt-0b7f";

    private FakeAzure(FakeEndpoint endpoint) => Endpoint = endpoint;

    public FakeEndpoint Endpoint { get; }

    public Uri Url => Endpoint.Url;

    /// <summary>What the token endpoint answers; the default is a token valid for an hour.</summary>
    public Func<HttpContext, Task>? EntraAnswer { get; set; }

    /// <summary>What the metadata service answers; the default is a token valid for an hour.</summary>
    public Func<HttpContext, Task>? ImdsAnswer { get; set; }

    public static async Task<FakeAzure> StartAsync()
    {
        FakeAzure? fake = null;
        var endpoint = await FakeEndpoint.StartAsync((context, _) => fake!.HandleAsync(context));
        fake = new FakeAzure(endpoint);
        return fake;
    }

    private Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        return (context.Request.Method, path) switch
        {
            ("POST", _) when path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal) =>
                EntraAnswer?.Invoke(context) ?? FakeEndpoint.Answer(context, 200, $$"""{"token_type":"Bearer","expires_in":3599,"access_token":"{{EntraToken}}"}"""),
            ("GET", "/metadata/identity/oauth2/token") => ImdsAnswer?.Invoke(context) ?? FakeEndpoint.Answer(context, 200,
                $$"""{"access_token":"{{ImdsToken}}","expires_on":"{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}}","resource":"https://storage.azure.com/","token_type":"Bearer"}"""),
            ("POST", "/pipelines/oidc") => FakeEndpoint.Answer(context, 200, $$"""{"oidcToken":"{{PipelinesJwt}}"}"""),
            ("GET", "/github/oidc") => FakeEndpoint.Answer(context, 200, $$"""{"count":1,"value":"{{GitHubJwt}}"}"""),
            ("GET", "/blob/" + Container) => FakeEndpoint.Answer(context, 200,
                $"""<?xml version="1.0" encoding="utf-8"?><EnumerationResults ContainerName="{Container}"><Blobs /><NextMarker /></EnumerationResults>""", "application/xml"),
            _ => FakeEndpoint.Answer(context, 404, "{}"),
        };
    }

    /// <summary>The backend as the registry creates it, from the configuration and these variables (and the fake's addresses).</summary>
    public ICacheBackend Backend(Dictionary<string, string> variables, CapturingLogger logger)
    {
        // The fake's addresses unless the test moves them.
        var environment = new Dictionary<string, string>
        {
            ["AZURE_AUTHORITY_HOST"] = Url.ToString(),
            ["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = Url.ToString(),
        };
        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }

        using var temp = new TempFolder();
        var config = new CacheConfig
        {
            Root = temp.Path,
            Key = "k",
            LocalDirectory = temp.Path + "-local",
            WorkingDirectory = temp.Path,
            Backend = BackendNames.AzureBlob,
            Azure = new AzureConfig { Container = Container, AccountUrl = new Uri(Url, "/blob").ToString() },
        };
        return AzureBlobBackend.Create(new BackendOptions { Config = config, Environment = new DictionaryEnvironment(environment), Logger = logger });
    }

    /// <summary>Every request to the blob service.</summary>
    public IReadOnlyList<FakeEndpoint.SeenRequest> BlobRequests => [.. Endpoint.Requests.Where(r => r.Path.StartsWith("/blob/", StringComparison.Ordinal))];

    /// <summary>Every request to the token endpoint.</summary>
    public IReadOnlyList<FakeEndpoint.SeenRequest> TokenRequests => [.. Endpoint.Requests.Where(r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal))];

    public ValueTask DisposeAsync() => Endpoint.DisposeAsync();
}
