using Atmos.Cache.Archiving;
using Atmos.Cache.Backends;
using Atmos.Cache.Backends.Local;
using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Operations;
using Atmos.Cache.Testing.Hostile;

// Usage:
//   write <case> <gzip|zstd> <file> <claim-bytes> [entries]   writes one case of HostileArchives
//   plant <local-store-folder|github> <key> <gzip|zstd> <file> stores a file as the entry of a key
//                                                              (github: from the runner variables)
//   extract <archive> <root>                                   extracts with the engine alone: time, CPU, peak memory
//   cases                                                      lists the cases, "refused" or "restored"
if (args is ["cases"])
{
    foreach (var name in HostileArchives.Cases)
    {
        Console.WriteLine($"{name} {(HostileArchives.IsRefused(name) ? "refused" : "restored")}");
    }

    return 0;
}

if (args is ["write", var @case, var format, var file, var claim, .. var rest])
{
    await using var output = File.Create(file);
    HostileArchives.Write(@case, Parse(format), output, long.Parse(claim), rest.Length > 0 ? int.Parse(rest[0]) : 250_000);
    return 0;
}

if (args is ["extract", var archiveFile, var root])
{
    // The engine alone, for profiling a case: wall and CPU time, peak working set.
    var clock = System.Diagnostics.Stopwatch.StartNew();
    string outcome;
    try
    {
        var stats = await ArchiveExtractor.ExtractAsync(archiveFile, root, new ExtractOptions(), CancellationToken.None);
        outcome = $"restored {stats.Entries} entries";
    }
    catch (Atmos.Cache.Errors.CacheArchiveException e)
    {
        outcome = "refused: " + e.Message;
    }

    using var self = System.Diagnostics.Process.GetCurrentProcess();
    Console.WriteLine($"{outcome}; {clock.Elapsed.TotalSeconds:F1} s, {self.TotalProcessorTime.TotalSeconds:F1} s CPU, peak {self.PeakWorkingSet64 >> 20} MB");
    return 0;
}

if (args is ["plant", var store, var key, var format2, var archive])
{
    var compression = Parse(format2);
    var config = new CacheConfig
    {
        Root = Path.GetTempPath(),
        Key = key,
        Compression = compression,
        Backend = store == "github" ? BackendNames.GitHubActions : BackendNames.Local,
        LocalDirectory = store,
        WorkingDirectory = Environment.CurrentDirectory,
    };
    var backend = store == "github"
        ? BackendSelector.Select(config, ProcessEnvironment.Instance, NullCacheLogger.Instance, out var reason) ?? throw new InvalidOperationException(reason)
        : new LocalBackend(store);
    await backend.SaveAsync(key, CacheVersion.For(compression), archive, CancellationToken.None);
    return 0;
}

Console.Error.WriteLine("usage: write <case> <gzip|zstd> <file> <claim-bytes> [entries] | plant <store|github> <key> <gzip|zstd> <file> | cases");
return 2;

static ArchiveCompression Parse(string format) => format switch
{
    "gzip" => ArchiveCompression.Gzip,
    "zstd" => ArchiveCompression.Zstd,
    _ => throw new ArgumentException($"Unknown compression '{format}'."),
};
