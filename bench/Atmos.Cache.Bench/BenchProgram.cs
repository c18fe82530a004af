using System.Globalization;
using Atmos.Cache.Archiving;

namespace Atmos.Cache.Bench;

/// <summary>Dispatches the sub-commands; see <see cref="Usage"/>.</summary>
internal static class BenchProgram
{
    private const string Usage = """
        usage: Atmos.Cache.Bench <command> ...
          idle                                   start, load the engine, exit (the RSS floor)
          archive <root> <archive> [gzip|zstd]   the archive step alone
          extract <archive> <root>               the extract step alone (root must not exist yet)
          save <root> <backend> <key> [gzip|zstd]     archive + upload through CacheManager
          restore <root> <backend> <key> [gzip|zstd]  download + verify + extract through CacheManager
              backend: local:<store folder> | github (ACTIONS_RESULTS_URL etc. from the environment)
          make-small-files <folder> <count> <source folder> [seed]   corpus B
          report <results.tsv>                   print the results tables (markdown)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            var memory = Environment.GetEnvironmentVariable("ATMOS_BENCH_MEMORY");
            using var sampler = memory == "2" ? new AllocationSampler() : null;
            // The engine's own time, without the process start that a build has already paid.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var code = await DispatchAsync(args);
            Console.Error.WriteLine(FormattableString.Invariant($"engine-seconds: {clock.Elapsed.TotalSeconds:0.000}"));
            sampler?.Report(Console.Error);
            if (memory is "1" or "2")
            {
                // Where the peak went: managed heap vs the rest (native, stacks, runtime).
                var info = GC.GetGCMemoryInfo();
                Console.Error.WriteLine($"memory: GC heap {info.HeapSizeBytes >> 20} MiB, committed {info.TotalCommittedBytes >> 20} MiB, allocated {GC.GetTotalAllocatedBytes() >> 20} MiB, gen0/1/2 collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, peak working set {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB, threads {System.Diagnostics.Process.GetCurrentProcess().Threads.Count}");
            }

            return code;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> DispatchAsync(string[] args)
    {
        {
            switch (args)
            {
                case ["idle"]:
                    // Touch the engine so its assembly is loaded, as in a build that restores nothing.
                    GC.KeepAlive(typeof(ArchiveWriter));
                    return 0;
                case ["archive", var root, var archive, .. var rest]:
                    var written = await ArchiveWriter.WriteAsync(root, archive, new ArchiveWriteOptions { Compression = Compression(rest) }, CancellationToken.None);
                    Console.WriteLine($"archived {written.Entries} entries, {written.ContentBytes} bytes -> {written.ArchiveBytes} bytes");
                    return 0;
                case ["extract", var archive, var root]:
                    var extracted = await ArchiveExtractor.ExtractAsync(archive, root, new ExtractOptions(), CancellationToken.None);
                    Console.WriteLine($"extracted {extracted.Entries} entries, {extracted.ContentBytes} bytes");
                    return 0;
                case ["save", var root, var backend, var key, .. var rest]:
                    return await ManagerRun.SaveAsync(root, backend, key, Compression(rest));
                case ["restore", var root, var backend, var key, .. var rest]:
                    return await ManagerRun.RestoreAsync(root, backend, key, Compression(rest));
                case ["make-small-files", var folder, var count, var source, .. var rest]:
                    var seed = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 1;
                    SmallFileCorpus.Create(folder, int.Parse(count, CultureInfo.InvariantCulture), source, seed);
                    return 0;
                case ["report", var results]:
                    Console.Write(ResultsReport.Render(ResultsFile.Read(results)));
                    return 0;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
    }

    private static ArchiveCompression Compression(string[] rest) =>
        rest.Length > 0 && rest[0] == "zstd" ? ArchiveCompression.Zstd : ArchiveCompression.Gzip;
}
