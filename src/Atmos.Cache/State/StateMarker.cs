using System.Text.Json;
using Atmos.Cache.Platform;
using Atmos.Cache.Root;

namespace Atmos.Cache.State;

/// <summary>
/// The marker <c>&lt;root&gt;/.atmos-cache/state.json</c>: per key, how it was restored and whether it
/// was saved. Read and written only while holding the <see cref="RootLock"/>.
/// </summary>
internal sealed class StateMarker
{
    private readonly string _path;

    public StateMarker(string root)
    {
        _path = Path.Combine(root, CachePaths.StateFolder, "state.json");
    }

    /// <summary>The state recorded for a key, or null.</summary>
    public KeyState? Get(string key) => Load().GetValueOrDefault(key);

    /// <summary>Replaces the state of a key.</summary>
    public void Set(string key, KeyState state)
    {
        var entries = Load();
        entries[key] = state;
        Write(entries);
    }

    private Dictionary<string, KeyState> Load()
    {
        try
        {
            return StateFileJson.Read(File.ReadAllBytes(_path));
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // An absent or unreadable marker means "nothing happened yet", as in the Atmos CLI.
            return new Dictionary<string, KeyState>(StringComparer.Ordinal);
        }
    }

    private void Write(Dictionary<string, KeyState> entries)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temp = _path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temp, StateFileJson.Write(entries));
        if (FilePlatform.Current.UnixModes)
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // Rename so a reader never sees a half-written marker.
        File.Move(temp, _path, overwrite: true);
    }
}
