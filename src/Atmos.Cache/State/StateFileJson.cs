using System.Text.Json;

namespace Atmos.Cache.State;

/// <summary>
/// Reads and writes the marker's JSON (<c>{"entries": {"key": {"restored_from": …, "matched_key": …,
/// "saved": …}}}</c>, as the Atmos CLI writes it) with the framework's precompiled reader and
/// writer: the serializer's generic code is JIT-compiled in every build that restores or saves,
/// about as long as saving a small cache takes.
/// </summary>
internal static class StateFileJson
{
    private const string EntriesProperty = "entries";
    private const string RestoredFromProperty = "restored_from";
    private const string MatchedKeyProperty = "matched_key";
    private const string SavedProperty = "saved";

    /// <summary>The entries of a marker; throws <see cref="JsonException"/> when it is not JSON.</summary>
    public static Dictionary<string, KeyState> Read(byte[] json)
    {
        var entries = new Dictionary<string, KeyState>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty(EntriesProperty, out var list)
            || list.ValueKind != JsonValueKind.Object)
        {
            return entries;
        }

        foreach (var entry in list.EnumerateObject())
        {
            if (entry.Value.ValueKind == JsonValueKind.Object)
            {
                entries[entry.Name] = new KeyState
                {
                    RestoredFrom = StringOrNull(entry.Value, RestoredFromProperty),
                    MatchedKey = StringOrNull(entry.Value, MatchedKeyProperty),
                    Saved = entry.Value.TryGetProperty(SavedProperty, out var saved) && saved.ValueKind == JsonValueKind.True,
                };
            }
        }

        return entries;
    }

    /// <summary>The marker's bytes, indented; unset fields are left out.</summary>
    public static byte[] Write(IReadOnlyDictionary<string, KeyState> entries) => JsonObjectBytes.Write(
        json =>
        {
            json.WriteStartObject(EntriesProperty);
            foreach (var (key, state) in entries)
            {
                json.WriteStartObject(key);
                if (state.RestoredFrom is { } restoredFrom)
                {
                    json.WriteString(RestoredFromProperty, restoredFrom);
                }

                if (state.MatchedKey is { } matchedKey)
                {
                    json.WriteString(MatchedKeyProperty, matchedKey);
                }

                if (state.Saved)
                {
                    json.WriteBoolean(SavedProperty, true);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        },
        indented: true);

    private static string? StringOrNull(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
