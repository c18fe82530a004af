using Atmos.Cache.Caches;
using Atmos.Cache.Configuration;
using Microsoft.Build.Framework;

namespace Atmos.Cache.Build.Tasks;

/// <summary>
/// The resolved configuration, shared by every task of one build that has the same settings (which
/// include the project folder): reading <c>atmos.yaml</c> and hashing key files once per project and
/// build, not once per task. Kept in MSBuild's registered task objects with build lifetime, so a
/// new build resolves again. The environment is the build's own, constant within it. Failures are
/// not kept: each task reports them.
/// </summary>
internal static class ResolvedConfigurations
{
    public static CacheSet Resolve(
        IBuildEngine? engine, CacheSettings settings, IReadOnlyList<UserCacheSettings> userCaches, IEnvironment environment,
        Func<CacheSettings, IReadOnlyList<UserCacheSettings>, IEnvironment, CacheSet> resolve)
    {
        // Only resolutions over the process environment are shared; tests' seams are not.
        if (engine is not IBuildEngine4 registry || !ReferenceEquals(environment, ProcessEnvironment.Instance))
        {
            return resolve(settings, userCaches, environment);
        }

        // The user caches are part of the identity: records compare lists by reference, so spell them out.
        var key = (typeof(ResolvedConfigurations), settings, string.Join("\n", userCaches.Select(c => c.ToString())));
        if (registry.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) is CacheSet cached)
        {
            return cached;
        }

        var config = resolve(settings, userCaches, environment);
        registry.RegisterTaskObject(key, config, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: true);
        return config;
    }
}
