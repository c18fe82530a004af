namespace Atmos.Cache.Configuration;

/// <summary>What the GitHub Actions cache service allows a job (<c>ACTIONS_CACHE_MODE</c>).</summary>
public enum CacheServiceMode
{
    /// <summary><c>write</c>, or no mode given: restore and save.</summary>
    Write,
    /// <summary><c>read</c>: restore only.</summary>
    Read,
    /// <summary><c>write-only</c>: save only.</summary>
    WriteOnly,
    /// <summary><c>none</c>: no cache traffic at all.</summary>
    None,
}

/// <summary>Reads <c>ACTIONS_CACHE_MODE</c>.</summary>
public static class ServiceModes
{
    public const string Variable = "ACTIONS_CACHE_MODE";

    /// <summary>
    /// The mode inside GitHub Actions (<c>GITHUB_ACTIONS=true</c>); elsewhere, or for a value this
    /// version does not know, restore and save as usual.
    /// </summary>
    public static CacheServiceMode FromEnvironment(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.Equals(environment.Get("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return CacheServiceMode.Write;
        }

        return environment.Get(Variable)?.Trim().ToLowerInvariant() switch
        {
            "read" => CacheServiceMode.Read,
            "write-only" => CacheServiceMode.WriteOnly,
            "none" => CacheServiceMode.None,
            _ => CacheServiceMode.Write,
        };
    }

    public static string Name(CacheServiceMode mode) => mode switch
    {
        CacheServiceMode.Read => "read",
        CacheServiceMode.WriteOnly => "write-only",
        CacheServiceMode.None => "none",
        _ => "write",
    };
}
