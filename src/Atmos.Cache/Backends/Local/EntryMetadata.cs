using System.Text.Json;

namespace Atmos.Cache.Backends.Local;

/// <summary>
/// The <c>entry.json</c> beside each stored archive: its key, size and creation time
/// (<c>{"Key": …, "Size": …, "CreatedAt": …}</c>). Read and written with the framework's
/// precompiled JSON reader and writer, which cost no JIT time in a short build step.
/// </summary>
internal sealed record EntryMetadata(string Key, long Size, DateTimeOffset CreatedAt)
{
    public byte[] ToJson() => JsonObjectBytes.Write(json =>
    {
        json.WriteString(nameof(Key), Key);
        json.WriteNumber(nameof(Size), Size);
        json.WriteString(nameof(CreatedAt), CreatedAt);
    });

    /// <summary>The metadata, or null when a field is missing or of the wrong type; throws <see cref="JsonException"/> on malformed JSON.</summary>
    public static EntryMetadata? FromJson(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty(nameof(Key), out var key) && key.ValueKind == JsonValueKind.String
            && root.TryGetProperty(nameof(Size), out var size) && size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out var length)
            && root.TryGetProperty(nameof(CreatedAt), out var created) && created.ValueKind == JsonValueKind.String
            && created.TryGetDateTimeOffset(out var createdAt))
        {
            return new EntryMetadata(key.GetString()!, length, createdAt);
        }

        return null;
    }
}
