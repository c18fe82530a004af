using System.Text.Json.Serialization;

namespace Atmos.Cache.State;

/// <summary>How a key was resolved at restore time.</summary>
internal static class RestoredFrom
{
    public const string Exact = "exact";
    public const string Prefix = "prefix";
    public const string Miss = "miss";
}

/// <summary>What happened to one key in this lifecycle (the same JSON the Atmos CLI writes).</summary>
internal sealed record KeyState
{
    /// <summary><see cref="State.RestoredFrom"/>: exact, prefix or miss; null before any restore.</summary>
    [JsonPropertyName("restored_from")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RestoredFrom { get; init; }

    /// <summary>The key actually restored (differs from the key on a prefix hit).</summary>
    [JsonPropertyName("matched_key")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MatchedKey { get; init; }

    /// <summary>Whether the key was saved (or found already saved remotely).</summary>
    [JsonPropertyName("saved")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Saved { get; init; }
}
