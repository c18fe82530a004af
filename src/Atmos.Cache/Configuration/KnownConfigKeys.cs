namespace Atmos.Cache.Configuration;

/// <summary>
/// The keys this package reads in <c>atmos.yaml</c>, per section: the one place a new setting or
/// section is added. Keys found in these sections and not listed here are reported as likely typos
/// (<see cref="ConfigKeyCheck"/>). Other sections of the file belong to the Atmos CLI and are not checked.
/// </summary>
internal static class KnownConfigKeys
{
    /// <summary>The section holding the cache settings; a key under <c>ci</c> close to its last part is reported as a misspelling of it.</summary>
    public const string CacheSection = "ci.cache";

    /// <summary>Each checked section (a dotted path from the top of the file; <c>[]</c> for every item of a list) and its keys.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Sections { get; } =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            [CacheSection] =
            [
                "enabled", "auto", "root", "paths", "key", "restore_keys", "compression", "backend", "local_dir",
                // Sections of their own, checked below.
                "s3", "azure", "nuget", "caches",
            ],
            ["ci.cache.s3"] = ["bucket", "prefix", "region", "endpoint", "path_style"],
            ["ci.cache.azure"] = ["container", "prefix", "account_url"],
            ["ci.cache.nuget"] = ["enabled", "root", "key", "restore_keys"],
            ["ci.cache.caches[]"] = ["name", "root", "key", "restore_keys", "paths"],
        };
}
