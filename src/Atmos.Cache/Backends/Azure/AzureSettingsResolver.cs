using System.Net;
using Atmos.Cache.Backends.Azure.Credentials;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.Azure;

/// <summary>
/// Completes the configured azure/blob settings the way the Azure CLI does: the account URL from the
/// setting, else the connection string's blob endpoint (or its account name), else
/// <c>https://$AZURE_STORAGE_ACCOUNT.blob.core.windows.net</c>; and the account's name (for Shared
/// Key signing) from the connection string, <c>AZURE_STORAGE_ACCOUNT</c>, or the URL.
/// </summary>
internal static class AzureSettingsResolver
{
    public sealed record Resolved(AzureBlobSettings Settings, string? AccountName, StorageConnectionString? ConnectionString);

    public static Resolved Resolve(AzureConfig config, IEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(config.Container))
        {
            throw new CacheConfigurationException(
                "The azure/blob backend needs a container: set the MSBuild property AtmosCacheAzureContainer (or ATMOS_CI_CACHE_AZURE_CONTAINER, or ci.cache.azure.container in atmos.yaml).");
        }

        var connectionString = AzureEnvironment.Value(environment, AzureEnvironment.ConnectionString) is { } text ? StorageConnectionString.Parse(text) : null;
        var account = connectionString?.AccountName ?? AzureEnvironment.Value(environment, AzureEnvironment.Account);
        Uri accountUrl;
        if (config.AccountUrl is { } configured && !string.IsNullOrWhiteSpace(configured))
        {
            accountUrl = ParseAccountUrl(configured.Trim(), "AtmosCacheAzureAccountUrl");
        }
        else if (connectionString?.BlobEndpoint is { } endpoint)
        {
            accountUrl = ParseAccountUrl(endpoint.ToString(), AzureEnvironment.ConnectionString);
        }
        else if (account is not null)
        {
            accountUrl = new Uri($"https://{account}.blob.core.windows.net");
        }
        else
        {
            throw new CacheConfigurationException(
                $"The azure/blob backend needs the storage account: set AtmosCacheAzureAccountUrl (or ATMOS_CI_CACHE_AZURE_ACCOUNT_URL, or ci.cache.azure.account_url) to https://<account>.blob.core.windows.net, or {AzureEnvironment.Account}, or {AzureEnvironment.ConnectionString}.");
        }

        return new Resolved(
            new AzureBlobSettings { AccountUrl = accountUrl, Container = config.Container.Trim(), Prefix = config.Prefix },
            account ?? AccountNameOf(accountUrl),
            connectionString);
    }

    /// <summary>
    /// The account in a blob service URL: the first label of <c>account.blob.core.windows.net</c>, or
    /// the first path segment of an emulator's <c>http://127.0.0.1:10000/account</c>.
    /// </summary>
    public static string? AccountNameOf(Uri accountUrl)
    {
        if (accountUrl.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || accountUrl.IsLoopback)
        {
            var segment = accountUrl.AbsolutePath.Trim('/').Split('/')[0];
            return segment.Length > 0 ? WebUtility.UrlDecode(segment) : null;
        }

        var dot = accountUrl.Host.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? accountUrl.Host[..dot] : null;
    }

    private static Uri ParseAccountUrl(string text, string source)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(url.Query))
        {
            throw new CacheConfigurationException(
                $"The storage account URL from {source} is not an http(s) URL without a query. Use https://<account>.blob.core.windows.net (a SAS goes into AZURE_STORAGE_SAS_TOKEN).");
        }

        if (url.Scheme == "http" && !url.IsLoopback)
        {
            throw new CacheConfigurationException(
                $"The storage account URL from {source} uses plain http to a remote host ({url.Host}); credentials and content are only sent over https. Use an https URL.");
        }

        return url;
    }
}
