using System.Text.Json;
using System.Text.RegularExpressions;
using Atmos.Cache.Root;
using Atmos.Cache.State;

namespace Atmos.Cache.Build.Lifecycle;

/// <summary>
/// The per-build record in <c>&lt;root&gt;/.atmos-cache/builds/&lt;session&gt;.json</c>, shared by every
/// project and MSBuild node of one build: which project builds are still open, which finished,
/// which operations ran and which warnings were given. An open ledger holds the session's lock,
/// so read-modify-write is atomic across processes; dispose it to release the lock.
/// </summary>
internal sealed partial class BuildLedger : IDisposable
{
    private const string FolderName = "builds";
    private static readonly TimeSpan StaleAfter = TimeSpan.FromDays(2);

    private readonly FileLock _lock;
    private readonly string _path;

    private BuildLedger(FileLock fileLock, string path, LedgerState state)
    {
        _lock = fileLock;
        _path = path;
        State = state;
    }

    public LedgerState State { get; }

    /// <summary>
    /// Opens (creating if needed) the ledger of a session, waiting for its lock;
    /// <paramref name="onWaiting"/> is called once if another project build holds it.
    /// </summary>
    public static async Task<BuildLedger> OpenAsync(string root, string sessionId, CancellationToken cancellationToken, Action? onWaiting = null)
    {
        if (!SessionIdPattern().IsMatch(sessionId))
        {
            throw new ArgumentException($"Not a build session id: '{sessionId}'.", nameof(sessionId));
        }

        var folder = Path.Combine(root, CachePaths.StateFolder, FolderName);
        var path = Path.Combine(folder, sessionId + ".json");
        var fileLock = await FileLock.AcquireAsync(Path.Combine(folder, sessionId + ".lock"), onWaiting, cancellationToken).ConfigureAwait(false);
        try
        {
            var state = Read(path);
            if (state is null)
            {
                RemoveStaleSessions(folder);
                state = new LedgerState();
            }

            return new BuildLedger(fileLock, path, state);
        }
        catch
        {
            fileLock.Dispose();
            throw;
        }
    }

    /// <summary>Records that a project build started.</summary>
    public void Start(string buildInstance) => State.Open.Add(buildInstance);

    /// <summary>Records that a project build finished (removes one matching start).</summary>
    public void Finish(string buildInstance, string projectPath)
    {
        State.Open.Remove(buildInstance);
        if (!State.Finished.Contains(projectPath, PathComparer))
        {
            State.Finished.Add(projectPath);
        }
    }

    /// <summary>Records that a project received a request in this build; false when it was already recorded.</summary>
    public bool Visit(string projectPath)
    {
        if (State.Visited.Contains(projectPath, PathComparer))
        {
            return false;
        }

        State.Visited.Add(projectPath);
        return true;
    }

    /// <summary>True when the project received a request in this build.</summary>
    public bool WasVisited(string projectPath) => State.Visited.Contains(projectPath, PathComparer);

    /// <summary>True exactly once per session for an operation name.</summary>
    public bool TryClaim(string operation)
    {
        if (State.Done.Contains(operation, StringComparer.Ordinal))
        {
            return false;
        }

        State.Done.Add(operation);
        return true;
    }

    /// <summary>True the first time a warning code is given in this session.</summary>
    public bool FirstWarning(string code)
    {
        if (State.Warned.Contains(code, StringComparer.Ordinal))
        {
            return false;
        }

        State.Warned.Add(code);
        return true;
    }

    /// <summary>Projects of <paramref name="expected"/> that have not finished yet.</summary>
    public IReadOnlyList<string> Unfinished(IEnumerable<string> expected) =>
        [.. expected.Where(path => !State.Finished.Contains(path, PathComparer))];

    /// <summary>Writes the state back (atomically, by rename).</summary>
    public void Save()
    {
        var temp = _path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(State, LedgerJsonContext.Default.LedgerState));
        File.Move(temp, _path, overwrite: true);
    }

    public void Dispose() => _lock.Dispose();

    internal static StringComparer PathComparer => OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private static LedgerState? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), LedgerJsonContext.Default.LedgerState) : null;
        }
        catch (JsonException)
        {
            // Only this package writes the file, by rename; an unreadable one is treated as new.
            return null;
        }
    }

    private static void RemoveStaleSessions(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            try
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) > StaleAfter)
                {
                    File.Delete(file);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A lock file held by a (very long) build, or a race with another cleaner: harmless.
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial Regex SessionIdPattern();
}
