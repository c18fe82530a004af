using Atmos.Cache.Configuration;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Configuration;

/// <summary>
/// A throwaway repository for resolver tests: <c>outside/repo/.git</c> marks the repository root (so the
/// atmos.yaml search never leaves it), <c>repo/proj</c> is the project folder, and the cache home is a
/// private folder set through ATMOS_XDG_CACHE_HOME. Never touches the process environment.
/// </summary>
internal sealed class ConfigWorkspace : IDisposable
{
    private readonly TempFolder _temp = new();

    public ConfigWorkspace()
    {
        Directory.CreateDirectory(Path.Combine(Repo, ".git"));
        Directory.CreateDirectory(Project);
        Variables[CacheRoot.AtmosXdgCacheHome] = CacheHome;
    }

    public string Outside => _temp.Path;

    public string Repo => _temp.Combine("repo");

    public string Project => _temp.Combine("repo", "proj");

    public string CacheHome => _temp.Combine("xdg");

    public string DefaultRoot => Path.Combine(CacheHome, "atmos");

    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>An environment over <see cref="Variables"/>.</summary>
    public IEnvironment Environment => new DictionaryEnvironment(Variables);

    /// <summary>Writes a file relative to the outside folder (e.g. "repo/atmos.yaml").</summary>
    public string Write(string relativePath, string content) => _temp.WriteFile(relativePath, content);

    public string WriteRepoYaml(string yaml) => Write(Path.Combine("repo", "atmos.yaml"), yaml);

    public CacheConfig Resolve(CacheSettings? settings = null)
    {
        settings ??= new CacheSettings();
        if (settings.WorkingDirectory is null)
        {
            settings = settings with { WorkingDirectory = Project };
        }

        return ConfigResolver.Resolve(settings, new DictionaryEnvironment(Variables));
    }

    public void Dispose() => _temp.Dispose();
}
