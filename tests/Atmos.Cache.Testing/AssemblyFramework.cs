using System.Reflection;
using System.Runtime.Versioning;

namespace Atmos.Cache.Testing;

/// <summary>The .NET version an assembly was built for (its <see cref="TargetFrameworkAttribute"/>).</summary>
public static class AssemblyFramework
{
    /// <summary>E.g. 8.0 for an assembly built for <c>net8.0</c>.</summary>
    public static Version VersionOf(Assembly assembly)
    {
        var name = assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName;
        return new Version(name[(name.IndexOf("Version=v", StringComparison.Ordinal) + "Version=v".Length)..]);
    }
}
