namespace Atmos.Cache.Emulator;

/// <summary>How an emulator instance is set up.</summary>
public sealed record EmulatorOptions
{
    /// <summary>Azurite's blob endpoint, e.g. <c>http://127.0.0.1:10000/devstoreaccount1</c>.</summary>
    public required Uri AzuriteBlobEndpoint { get; init; }

    /// <summary>The port to listen on (127.0.0.1 only); 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The bearer token the Twirp cache service accepts (ACTIONS_RUNTIME_TOKEN).</summary>
    public string RuntimeToken { get; init; } = "emulator-runtime-token-" + Guid.NewGuid().ToString("N");

    /// <summary>The bearer token the REST API accepts (GITHUB_TOKEN).</summary>
    public string RestToken { get; init; } = "emulator-rest-token-" + Guid.NewGuid().ToString("N");

    /// <summary>The one repository (owner/name) whose caches this instance holds.</summary>
    public string Repository { get; init; } = "octo-org/octo-repo";

    /// <summary>The git ref recorded on entries.</summary>
    public string Ref { get; init; } = "refs/heads/main";

    /// <summary>The most entries one REST page returns, whatever per_page asks (GitHub: 100).</summary>
    public int MaxPageSize { get; init; } = 100;

    /// <summary>The blob container; a fresh one per instance by default.</summary>
    public string Container { get; init; } = "cache-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>
    /// How CreateCacheEntry refuses a key+version that is reserved or finalized: <c>ok=false</c>
    /// (the default) or a Twirp <c>already_exists</c> error.
    /// </summary>
    public bool ConflictAsTwirpError { get; init; }

    /// <summary>
    /// Signed URLs point straight at Azurite instead of at the emulator's fault-injecting blob proxy,
    /// as real signed URLs point straight at Azure storage: no blob faults can be injected, and no
    /// proxy shares the machine with the client (for benchmarks).
    /// </summary>
    public bool DirectBlobUrls { get; init; }

    /// <summary>How long signed URLs stay valid.</summary>
    public TimeSpan SignedUrlLifetime { get; init; } = TimeSpan.FromHours(6);
}
