using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;

namespace Atmos.Cache.Backends;

/// <summary>What a backend factory gets: the resolved configuration, the environment and the logger.</summary>
public sealed record BackendOptions
{
    public required CacheConfig Config { get; init; }

    /// <summary>The environment the backend reads its credentials from.</summary>
    public IEnvironment Environment { get; init; } = ProcessEnvironment.Instance;

    public ICacheLogger Logger { get; init; } = NullCacheLogger.Instance;
}

/// <summary>Creates a backend from its options.</summary>
public delegate ICacheBackend BackendFactory(BackendOptions options);
