using System.Collections.Concurrent;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.Local;
using Atmos.Cache.Backends.S3;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends;

/// <summary>
/// Maps backend type names to factories. The built-in backends are registered on first use, so a
/// caller never has to; others may be added with <see cref="Register"/>.
/// </summary>
public static class BackendRegistry
{
    private static readonly ConcurrentDictionary<string, BackendFactory> Factories = CreateBuiltIns();

    /// <summary>Registers (or replaces) the factory for a backend type.</summary>
    public static void Register(string backendType, BackendFactory factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendType);
        ArgumentNullException.ThrowIfNull(factory);
        Factories[backendType] = factory;
    }

    /// <summary>The registered type names, sorted.</summary>
    public static IReadOnlyList<string> GetRegisteredTypes() =>
        [.. Factories.Keys.OrderBy(name => name, StringComparer.Ordinal)];

    /// <summary>Creates a backend of the given type.</summary>
    public static ICacheBackend Create(string backendType, BackendOptions options)
    {
        if (!Factories.TryGetValue(backendType, out var factory))
        {
            throw new CacheConfigurationException(
                $"Unknown cache backend '{backendType}'. Use one of: {string.Join(", ", GetRegisteredTypes())}.");
        }

        return factory(options);
    }

    private static ConcurrentDictionary<string, BackendFactory> CreateBuiltIns()
    {
        var factories = new ConcurrentDictionary<string, BackendFactory>(StringComparer.Ordinal);
        factories[LocalBackend.TypeName] = LocalBackend.Create;
        factories[GitHubActionsBackend.TypeName] = GitHubActionsBackend.Create;
        factories[S3Backend.TypeName] = S3Backend.Create;
        return factories;
    }
}
