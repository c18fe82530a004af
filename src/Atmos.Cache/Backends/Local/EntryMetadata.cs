using System.Text.Json.Serialization;

namespace Atmos.Cache.Backends.Local;

/// <summary>The <c>entry.json</c> beside each stored archive: its key, size and creation time.</summary>
internal sealed record EntryMetadata(string Key, long Size, DateTimeOffset CreatedAt);

/// <summary>Serialization code generated at compile time (no reflection start-up cost per build).</summary>
[JsonSerializable(typeof(EntryMetadata))]
internal sealed partial class LocalEntryJsonContext : JsonSerializerContext;
