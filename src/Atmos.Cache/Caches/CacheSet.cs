using Atmos.Cache.Configuration;

namespace Atmos.Cache.Caches;

/// <summary>
/// The caches of one build. <see cref="Shared"/> holds the settings every cache shares (backend, switches,
/// compression, strictness) and is the Atmos cache's own configuration; <see cref="Caches"/> are the caches
/// the build restores and saves, in a fixed order (Atmos, NuGet, then the user caches as declared).
/// </summary>
public sealed record CacheSet(CacheConfig Shared, IReadOnlyList<CacheConfig> Caches)
{
    /// <summary>Why a built-in cache is not in <see cref="Caches"/> (said once at low importance).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Advice for a set-up that works but cannot help (said once per build, at normal importance).</summary>
    public IReadOnlyList<string> Advice { get; init; } = [];

    /// <summary>The cache with this name, or null.</summary>
    public CacheConfig? Find(string name) =>
        Caches.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The root the build's ledger lives in: the first cache's (a fixed choice for every project of the build).</summary>
    public string LedgerRoot => Caches.Count > 0 ? Caches[0].Root : Shared.Root;
}
