using Atmos.Cache.Backends.GitHub;

namespace Atmos.Cache.Backends.Azure;

/// <summary>Everything the azure/blob backend needs: where entries live, how to reach the service, and tuning.</summary>
public sealed record AzureBlobSettings
{
    public const string DefaultPrefix = "atmos-cache/";

    /// <summary>The blob service URL: <c>https://&lt;account&gt;.blob.core.windows.net</c>, or Azurite's <c>http://127.0.0.1:10000/devstoreaccount1</c>.</summary>
    public required Uri AccountUrl { get; init; }

    /// <summary>The container entries are stored in.</summary>
    public required string Container { get; init; }

    /// <summary>Prepended to every blob name: entries are <c>&lt;prefix&gt;&lt;version&gt;/&lt;key&gt;</c>.</summary>
    public string Prefix { get; init; } = DefaultPrefix;

    /// <summary>Block and range sizes and parallelism: <see cref="TransferSettings.BlockSize"/> is the staged block size.</summary>
    public TransferSettings Transfer { get; init; } = new();

    public RetrySettings Retry { get; init; } = new();

    /// <summary>Blobs per List Blobs page (the service answers at most 5000).</summary>
    public int ListPageSize { get; init; } = 5000;

    internal void Validate()
    {
        Transfer.Validate();
        Retry.Validate();
        if (ListPageSize is < 1 or > 5000)
        {
            throw new ArgumentException("The list page size must be between 1 and 5000.");
        }
    }
}
