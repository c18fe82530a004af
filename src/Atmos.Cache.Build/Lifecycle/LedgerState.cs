using System.Text.Json.Serialization;

namespace Atmos.Cache.Build.Lifecycle;

/// <summary>What one build session has recorded so far (the JSON in the ledger file).</summary>
internal sealed class LedgerState
{
    /// <summary>Project builds that have started and not yet finished (one entry per start).</summary>
    [JsonPropertyName("open")]
    public List<string> Open { get; set; } = [];

    /// <summary>Full paths of projects whose build finished.</summary>
    [JsonPropertyName("finished")]
    public List<string> Finished { get; set; } = [];

    /// <summary>Operations already done in this build (restore, save, list...).</summary>
    [JsonPropertyName("done")]
    public List<string> Done { get; set; } = [];

    /// <summary>Diagnostic codes already reported as warnings in this build.</summary>
    [JsonPropertyName("warned")]
    public List<string> Warned { get; set; } = [];

    /// <summary>
    /// The exact key of each cache (by name) this build's restore resolved. The save of the same build
    /// uses them, as the Atmos CLI resolves its key once per lifecycle: a prefix hit restores an older
    /// lockfile into the root, and re-resolving at save time would name the old entry and never save the new key.
    /// </summary>
    [JsonPropertyName("keys")]
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Caches whose restore failed because the cache service was unavailable or refused it; their save is not tried.</summary>
    [JsonPropertyName("outages")]
    public List<string> Outages { get; set; } = [];

    /// <summary>The <c>project.assets.json</c> files of the projects this build reached: the packages the NuGet cache keeps.</summary>
    [JsonPropertyName("assets")]
    public List<string> AssetsFiles { get; set; } = [];

    /// <summary>Full paths of projects that received any request in this build (InitialTargets), built or not.</summary>
    [JsonPropertyName("visited")]
    public List<string> Visited { get; set; } = [];

    /// <summary>The solution filter (<c>.slnf</c>) this build was started with, as the entry process saw it; null otherwise.</summary>
    [JsonPropertyName("solutionFilter")]
    public string? SolutionFilter { get; set; }

    /// <summary>The "save not done" line was given in this build (it is given once).</summary>
    [JsonPropertyName("notSavedReported")]
    public bool NotSavedReported { get; set; }
}

/// <summary>The ledger's JSON, generated at compile time (no reflection-based serializer in each build step).</summary>
[JsonSerializable(typeof(LedgerState))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;
