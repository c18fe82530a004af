using Atmos.Cache.Archiving.Compression;
using Atmos.Cache.Archiving.Tar;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>Reads the entry headers of an archive file (gzip or zstd) for assertions.</summary>
internal static class ArchiveEntries
{
    public static List<TarEntryHeader> Read(string archivePath)
    {
        using var file = File.OpenRead(archivePath);
        var compression = ArchiveFormat.Detect(file);
        using var decompressor = CompressionStreams.CreateDecompressor(file, compression);
        var reader = new StrictTarReader(decompressor, new TarLimits());
        var entries = new List<TarEntryHeader>();
        while (reader.Next() is { } entry)
        {
            entries.Add(entry);
        }

        return entries;
    }

    public static List<string> Names(string archivePath) => Read(archivePath).Select(static e => e.Name).ToList();
}
