using Atmos.Cache.Archiving;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.Local;
using Atmos.Cache.Backends;
using Atmos.Cache.Configuration;
using Atmos.Cache.Operations;

namespace Atmos.Cache.Bench;

/// <summary>Save and restore end to end through <see cref="CacheManager"/>, as the MSBuild tasks run them.</summary>
internal static class ManagerRun
{
    public static async Task<int> SaveAsync(string root, string backend, string key, ArchiveCompression compression)
    {
        var result = await Manager(root, backend, key, compression).SaveAsync();
        if (!result.Saved || result.Skipped)
        {
            Console.Error.WriteLine($"error: the save of '{key}' did not store anything ({result.Reason}).");
            return 1;
        }

        Console.WriteLine($"saved {result.Entries} entries -> {result.ArchiveBytes} bytes in {result.Elapsed.TotalSeconds:0.00} s");
        return 0;
    }

    public static async Task<int> RestoreAsync(string root, string backend, string key, ArchiveCompression compression)
    {
        var result = await Manager(root, backend, key, compression).RestoreAsync();
        if (!result.Hit || !result.Exact)
        {
            Console.Error.WriteLine($"error: the restore of '{key}' found no exact entry.");
            return 1;
        }

        Console.WriteLine($"restored {result.Entries} entries from {result.ArchiveBytes} bytes in {result.Elapsed.TotalSeconds:0.00} s");
        return 0;
    }

    /// <summary>
    /// The transfer settings, with ATMOS_BENCH_TRANSFER's overrides (eng/bench-official.sh --transfer):
    /// comma-separated Name=Value of SingleShotLimit, BlockSize, UploadParallelism, RangeSize, DownloadParallelism.
    /// </summary>
    private static TransferSettings TransferUnderTest()
    {
        var settings = new TransferSettings();
        foreach (var pair in (Environment.GetEnvironmentVariable("ATMOS_BENCH_TRANSFER") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (name, value) = (pair.Split('=')[0], long.Parse(pair.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture));
            settings = name switch
            {
                "SingleShotLimit" => settings with { SingleShotLimit = value },
                "BlockSize" => settings with { BlockSize = checked((int)value) },
                "UploadParallelism" => settings with { UploadParallelism = checked((int)value) },
                "RangeSize" => settings with { RangeSize = checked((int)value) },
                "DownloadParallelism" => settings with { DownloadParallelism = checked((int)value) },
                _ => throw new ArgumentException($"ATMOS_BENCH_TRANSFER: unknown setting '{name}'"),
            };
        }

        return settings;
    }

    private static CacheManager Manager(string root, string backend, string key, ArchiveCompression compression)
    {
        var store = backend.StartsWith("local:", StringComparison.Ordinal) ? backend["local:".Length..] : Path.GetTempPath();
        var config = new CacheConfig
        {
            Root = Path.GetFullPath(root),
            Key = key,
            Compression = compression,
            LocalDirectory = store,
            WorkingDirectory = Directory.GetCurrentDirectory(),
        };
        ICacheBackend chosen = backend == "github"
            ? new GitHubActionsBackend(GitHubBackendSettings.FromEnvironment(ProcessEnvironment.Instance, config.WorkingDirectory) with { Transfer = TransferUnderTest() })
            : new LocalBackend(store);
        return new CacheManager(chosen, config);
    }
}
