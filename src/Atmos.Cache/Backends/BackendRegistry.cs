using Atmos.Cache.Backends.Azure;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.Local;
using Atmos.Cache.Backends.S3;

namespace Atmos.Cache.Backends;

/// <summary>
/// Maps backend type names to factories, process-wide. The built-in backends are registered on
/// first use, so a caller never has to; others may be added with <see cref="Register"/>.
/// </summary>
public static class BackendRegistry
{
    /// <summary>The process-wide catalog the static members read and write.</summary>
    internal static BackendCatalog Shared { get; } = CreateBuiltIns();

    /// <summary>Registers (or replaces) the factory for a backend type.</summary>
    public static void Register(string backendType, BackendFactory factory) => Shared.Register(backendType, factory);

    /// <summary>The registered type names, sorted.</summary>
    public static IReadOnlyList<string> GetRegisteredTypes() => Shared.GetRegisteredTypes();

    /// <summary>Creates a backend of the given type.</summary>
    public static ICacheBackend Create(string backendType, BackendOptions options) => Shared.Create(backendType, options);

    /// <summary>A new catalog holding only the built-in backends.</summary>
    internal static BackendCatalog CreateBuiltIns()
    {
        var factories = new BackendCatalog();
        factories.Register(LocalBackend.TypeName, LocalBackend.Create);
        factories.Register(GitHubActionsBackend.TypeName, GitHubActionsBackend.Create);
        factories.Register(S3Backend.TypeName, S3Backend.Create);
        factories.Register(AzureBlobBackend.TypeName, AzureBlobBackend.Create);
        return factories;
    }
}
