using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.Azure.Credentials;

/// <summary>
/// A storage connection string (<c>AZURE_STORAGE_CONNECTION_STRING</c>): <c>name=value</c> pairs
/// separated by <c>;</c>, as the Azure portal and CLI give them. What the backend uses: the blob
/// endpoint (given, or built from the account name, protocol and endpoint suffix; Azurite's for
/// <c>UseDevelopmentStorage=true</c>), and the account key or the shared access signature.
/// </summary>
internal sealed record StorageConnectionString
{
    /// <summary>Azurite's well-known development account (public, documented by Microsoft).</summary>
    public const string DevelopmentAccount = "devstoreaccount1";
    public const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public string? AccountName { get; init; }
    public string? AccountKey { get; init; }
    public string? SharedAccessSignature { get; init; }
    public Uri? BlobEndpoint { get; init; }

    public static StorageConnectionString Parse(string text)
    {
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                // Never the text itself: it holds the key.
                throw new CacheConfigurationException(
                    $"{AzureEnvironment.ConnectionString} is not a storage connection string (name=value pairs separated by ';'). Copy it again from the storage account's 'Access keys' page.");
            }

            pairs[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        if (pairs.TryGetValue("UseDevelopmentStorage", out var development) && string.Equals(development, "true", StringComparison.OrdinalIgnoreCase))
        {
            var proxy = pairs.GetValueOrDefault("DevelopmentStorageProxyUri") is { Length: > 0 } p ? p.TrimEnd('/') : "http://127.0.0.1";
            return new StorageConnectionString
            {
                AccountName = DevelopmentAccount,
                AccountKey = DevelopmentKey,
                BlobEndpoint = new Uri($"{proxy}:10000/{DevelopmentAccount}"),
            };
        }

        var account = pairs.GetValueOrDefault("AccountName");
        Uri? endpoint = null;
        if (pairs.GetValueOrDefault("BlobEndpoint") is { Length: > 0 } given)
        {
            endpoint = Uri.TryCreate(given, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                ? url
                : throw new CacheConfigurationException($"The BlobEndpoint of {AzureEnvironment.ConnectionString} is not an http(s) URL.");
        }
        else if (account is { Length: > 0 })
        {
            var protocol = pairs.GetValueOrDefault("DefaultEndpointsProtocol") is { Length: > 0 } scheme ? scheme.ToLowerInvariant() : "https";
            var suffix = pairs.GetValueOrDefault("EndpointSuffix") is { Length: > 0 } s ? s : "core.windows.net";
            endpoint = new Uri($"{protocol}://{account}.blob.{suffix}");
        }

        var sas = pairs.GetValueOrDefault("SharedAccessSignature");
        return new StorageConnectionString
        {
            AccountName = account,
            AccountKey = pairs.GetValueOrDefault("AccountKey") is { Length: > 0 } key ? key : null,
            SharedAccessSignature = sas is { Length: > 0 } ? sas.TrimStart('?') : null,
            BlobEndpoint = endpoint,
        };
    }
}
