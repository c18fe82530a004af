using System.Runtime.InteropServices;

namespace Atmos.Cache.Caches.NuGet;

/// <summary>The operating system and architecture as .NET runtime identifiers spell them (<c>linux-x64</c>, <c>osx-arm64</c>, <c>win-x64</c>).</summary>
internal static class DotNetPlatform
{
    public static string Os { get; } =
        OperatingSystem.IsWindows() ? "win"
        : OperatingSystem.IsMacOS() || OperatingSystem.IsMacCatalyst() ? "osx"
        : OperatingSystem.IsLinux() ? "linux"
        : RuntimeInformation.OSDescription.Split(' ')[0].ToLowerInvariant();

    public static string Arch { get; } = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
}
