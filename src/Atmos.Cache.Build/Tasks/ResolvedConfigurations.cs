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
    public static CacheConfig Resolve(IBuildEngine? engine, CacheSettings settings, IEnvironment environment, Func<CacheSettings, IEnvironment, CacheConfig> resolve)
    {
        // Only the production resolver over the process environment is shared; tests' seams are not.
        if (engine is not IBuildEngine4 registry || !ReferenceEquals(environment, ProcessEnvironment.Instance) || !resolve.Equals((Func<CacheSettings, IEnvironment, CacheConfig>)ConfigResolver.Resolve))
        {
            return resolve(settings, environment);
        }

        var key = (typeof(ResolvedConfigurations), settings);
        if (registry.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) is CacheConfig cached)
        {
            return cached;
        }

        var config = resolve(settings, environment);
        registry.RegisterTaskObject(key, config, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: true);
        return config;
    }
}
