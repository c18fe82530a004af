using Atmos.Cache.Testing;

namespace Atmos.Cache.Build.Tests.Support;

/// <summary>
/// The package under test, packed once per test run (on first use) with a version no other run
/// has used, into a folder feed; plus the run's private NuGet package folder.
/// </summary>
public static class PackageFeed
{
    private static readonly Lazy<Task<string>> Packed = new(PackAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Everything this test run writes: the feed, the package folder, the workspaces.</summary>
    public static string RunFolder { get; } = Path.Combine(Path.GetTempPath(), $"atmos-build-e2e-{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..8]}");

    public static string Version { get; } = $"0.0.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}.{Random.Shared.Next(1000, 9999)}";

    public static string Folder => Path.Combine(RunFolder, "feed");

    public static string NuGetPackages => Path.Combine(RunFolder, "packages");

    /// <summary>The packed .nupkg (packing on first call).</summary>
    public static Task<string> PackageAsync() => Packed.Value;

    private static async Task<string> PackAsync()
    {
        Directory.CreateDirectory(Folder);
        // Build into this run's own artifacts folder: packing with a test version into the
        // projects' bin/obj would swap assemblies under test projects that build at the same time.
        var result = await DotNet.RunAsync(RepositoryRoot.Path,
        [
            "pack", RepositoryRoot.Combine("src", "Atmos.Cache.Build", "Atmos.Cache.Build.csproj"), "-c", "Release", "-o", Folder,
            "--artifacts-path", Path.Combine(RunFolder, "artifacts"), "-p:Version=" + Version, "-nodeReuse:false", "-tl:off",
            // One node: the ReadyToRun publishes of net8.0 and net10.0 otherwise race on the engine's shared obj folder.
            "-m:1",
        ]);
        result.AssertSucceeded("dotnet pack");
        return Path.Combine(Folder, $"Atmos.Cache.Build.{Version}.nupkg");
    }

    /// <summary>The folder NuGet restores into on this machine, used as an extra offline feed for targeting packs the SDK does not carry.</summary>
    public static string MachinePackageFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
