using System.Buffers;
using System.Text.Json;

namespace Atmos.Cache;

/// <summary>
/// One JSON object as UTF-8 bytes, written with the framework's precompiled <see cref="Utf8JsonWriter"/>:
/// the generic serializer's code would be JIT-compiled in every short build step that writes one.
/// </summary>
internal static class JsonObjectBytes
{
    /// <summary>Writes <c>{</c>, the fields <paramref name="writeFields"/> writes, and <c>}</c>.</summary>
    public static byte[] Write(Action<Utf8JsonWriter> writeFields, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            json.WriteStartObject();
            writeFields(json);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
