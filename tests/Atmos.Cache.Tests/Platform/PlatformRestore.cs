using Atmos.Cache.Archiving;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Platform;
using Atmos.Cache.Tests.Archiving;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Platform;

/// <summary>Saves and restores under a chosen <see cref="FilePlatform"/>, as a runner of that OS would.</summary>
internal static class PlatformRestore
{
    public static FilePlatform Named(string name) => name switch
    {
        "windows" => FilePlatform.Windows,
        "macos" => FilePlatform.MacOS,
        "linux" => FilePlatform.Linux,
        _ => throw new ArgumentException(name, nameof(name)),
    };

    /// <summary>A root that already holds content, so a test can show a refused restore left it as it was.</summary>
    public static string ExistingRoot(TempFolder temp)
    {
        var root = temp.Combine("root");
        temp.WriteFile("root/keep.txt", "kept");
        temp.WriteFile("root/tools/old.txt", "old");
        return root;
    }

    public static async Task<ArchiveStats> ExtractAsync(FilePlatform platform, TempFolder temp, RawTar archive, string root, ICacheLogger? logger = null)
    {
        var path = temp.Combine($"archive-{Guid.NewGuid():N}.tgz");
        File.WriteAllBytes(path, archive.ToGzip());
        using (FilePlatform.Use(platform))
        {
            return await ArchiveExtractor.ExtractAsync(path, root, new ExtractOptions { Logger = logger ?? NullCacheLogger.Instance }, CancellationToken.None);
        }
    }

    public static async Task<string> WriteAsync(FilePlatform platform, TempFolder temp, string source, ICacheLogger? logger = null)
    {
        var path = temp.Combine($"saved-{Guid.NewGuid():N}.tgz");
        using (FilePlatform.Use(platform))
        {
            await ArchiveWriter.WriteAsync(source, path, new ArchiveWriteOptions { Logger = logger ?? NullCacheLogger.Instance }, CancellationToken.None);
        }

        return path;
    }

    /// <summary>The exception Windows gives when another process holds the file open without sharing it.</summary>
    public static IOException SharingViolation(string path) =>
        new($"The process cannot access the file '{path}' because it is being used by another process.", WindowsErrors.SharingViolation);

    /// <summary>The exception Windows gives for a symbolic link without Developer Mode or elevation.</summary>
    public static IOException PrivilegeNotHeld() => new("A required privilege is not held by the client.", WindowsErrors.PrivilegeNotHeld);

    /// <summary>A few milliseconds of backoff, so the retries are exercised without slowing the suite.</summary>
    public static readonly TimeSpan[] ShortDelays = [TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(4)];
}
