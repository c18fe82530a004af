using System.Text.Json;
using System.Text.Json.Serialization;
using Atmos.Cache.Archiving;

namespace Atmos.Cache.State;

/// <summary>
/// The marker <c>&lt;root&gt;/.atmos-cache/state.json</c>: per key, how it was restored and whether it
/// was saved. Read and written only while holding the <see cref="RootLock"/>.
/// </summary>
public sealed class StateMarker
{
    private readonly string _path;

    public StateMarker(string root)
    {
        _path = Path.Combine(root, CachePaths.StateFolder, "state.json");
    }

    /// <summary>The state recorded for a key, or null.</summary>
    public KeyState? Get(string key) => Load().Entries.GetValueOrDefault(key);

    /// <summary>Replaces the state of a key.</summary>
    public void Set(string key, KeyState state)
    {
        var file = Load();
        file.Entries[key] = state;
        Write(file);
    }

    private StateFile Load()
    {
        try
        {
            var file = JsonSerializer.Deserialize(File.ReadAllBytes(_path), StateJsonContext.Default.StateFile);
            return file is { Entries: not null } ? file : new StateFile();
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // An absent or unreadable marker means "nothing happened yet", as in the Atmos CLI.
            return new StateFile();
        }
    }

    private void Write(StateFile file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temp = _path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(file, StateJsonContext.Default.StateFile));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // Rename so a reader never sees a half-written marker.
        File.Move(temp, _path, overwrite: true);
    }

}

/// <summary>The marker file's JSON shape.</summary>
internal sealed class StateFile
{
    [JsonPropertyName("entries")]
    public Dictionary<string, KeyState> Entries { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Serialization code generated at compile time: reflection-based System.Text.Json costs tens of
/// milliseconds of start-up in every build that restores or saves.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(StateFile))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
