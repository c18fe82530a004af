using System.Globalization;
using System.Text.Json;

namespace Atmos.Cache.Backends.GitHub.Twirp;

/// <summary>
/// Reads protobuf-JSON fields by their proto name or their lowerCamelCase JSON name (servers may
/// emit either), tolerating 64-bit integers sent as strings.
/// </summary>
internal static class JsonFields
{
    public static bool Bool(JsonElement message, string protoName) =>
        Find(message, protoName) is { } value && value.ValueKind == JsonValueKind.True;

    public static string? String(JsonElement message, string protoName) => Find(message, protoName) switch
    {
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        { ValueKind: JsonValueKind.Number } value => value.GetRawText(),
        _ => null,
    };

    public static string CamelCase(string protoName)
    {
        var parts = protoName.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(part => part.Length == 0 ? "" : char.ToUpper(part[0], CultureInfo.InvariantCulture) + part[1..]));
    }

    private static JsonElement? Find(JsonElement message, string protoName)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (message.TryGetProperty(protoName, out var value) || message.TryGetProperty(CamelCase(protoName), out value))
        {
            return value;
        }

        return null;
    }
}
