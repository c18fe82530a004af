using System.Collections.Concurrent;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends;

/// <summary>
/// One set of backend factories by type name. <see cref="BackendRegistry"/> holds the process-wide
/// one; a test makes its own so that what it registers is seen by nothing else.
/// </summary>
internal sealed class BackendCatalog
{
    private readonly ConcurrentDictionary<string, BackendFactory> _factories = new(StringComparer.Ordinal);

    /// <summary>Registers (or replaces) the factory for a backend type.</summary>
    public void Register(string backendType, BackendFactory factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendType);
        ArgumentNullException.ThrowIfNull(factory);
        _factories[backendType] = factory;
    }

    /// <summary>The registered type names, sorted.</summary>
    public IReadOnlyList<string> GetRegisteredTypes() =>
        [.. _factories.Keys.OrderBy(name => name, StringComparer.Ordinal)];

    /// <summary>Creates a backend of the given type.</summary>
    public ICacheBackend Create(string backendType, BackendOptions options)
    {
        if (!_factories.TryGetValue(backendType, out var factory))
        {
            throw new CacheConfigurationException(
                $"Unknown cache backend '{backendType}'. Use one of: {string.Join(", ", GetRegisteredTypes())}.");
        }

        return factory(options);
    }
}
