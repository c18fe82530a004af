using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;

namespace Atmos.Cache.Backends;

/// <summary>Picks the backend the configuration asks for, or none with the reason why.</summary>
public static class BackendSelector
{
    /// <summary>
    /// Returns the backend to use, or null with a <paramref name="reason"/> when there is none
    /// (backend <c>none</c>, or <c>auto</c> outside a CI provider with a cache service).
    /// </summary>
    public static ICacheBackend? Select(CacheConfig config, IEnvironment environment, ICacheLogger logger, out string reason) =>
        Select(config, environment, logger, BackendRegistry.Shared, out reason);

    /// <summary>The same, creating the backend from <paramref name="backends"/> instead of the process-wide registry.</summary>
    internal static ICacheBackend? Select(CacheConfig config, IEnvironment environment, ICacheLogger logger, BackendCatalog backends, out string reason)
    {
        var type = config.Backend;
        if (type == BackendNames.Auto)
        {
            if (!string.Equals(environment.Get("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase))
            {
                reason = InactiveReasons.NoCiService;
                return null;
            }

            type = BackendNames.GitHubActions;
        }

        if (type == BackendNames.None)
        {
            reason = InactiveReasons.BackendNone;
            return null;
        }

        reason = "";
        return backends.Create(type, new BackendOptions { Config = config, Environment = environment, Logger = logger });
    }
}
