using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;

namespace Atmos.Cache.Backends;

/// <summary>What a backend factory gets: the resolved configuration and backend-specific options.</summary>
public sealed record BackendOptions
{
    public required CacheConfig Config { get; init; }

    /// <summary>Backend-specific settings such as <c>owner</c>, <c>repo</c> or <c>directory</c>.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>The environment the backend reads its credentials from.</summary>
    public IEnvironment Environment { get; init; } = ProcessEnvironment.Instance;

    public ICacheLogger Logger { get; init; } = NullCacheLogger.Instance;
}

/// <summary>Creates a backend from its options.</summary>
public delegate ICacheBackend BackendFactory(BackendOptions options);
