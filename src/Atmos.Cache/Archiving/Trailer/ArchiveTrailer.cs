namespace Atmos.Cache.Archiving.Trailer;

/// <summary>
/// The records an archive carries after its data, in a slot every other reader skips: empty gzip
/// members with an extra field (gzip, GNU tar, Go and the Atmos CLI decompress them to nothing), or
/// one zstd skippable frame (the zstd CLI and libraries skip it). The tar stream is unchanged.
/// </summary>
internal sealed class ArchiveTrailer
{
    public ArchiveTrailer(IReadOnlyList<TrailerRecord> records, long dataLength)
    {
        Records = records;
        DataLength = dataLength;
    }

    /// <summary>The records in the order they were written (the locator left out).</summary>
    public IReadOnlyList<TrailerRecord> Records { get; }

    /// <summary>How many bytes of the archive come before the trailer: the compressed data.</summary>
    public long DataLength { get; }

    /// <summary>The payload of the first record with <paramref name="tag"/>, if any.</summary>
    public ReadOnlyMemory<byte>? Find(TrailerTag tag) => Records.FirstOrDefault(r => r.Tag == tag)?.Payload;

    /// <summary>Every record with <paramref name="tag"/>, in order.</summary>
    public IEnumerable<TrailerRecord> FindAll(TrailerTag tag) => Records.Where(r => r.Tag == tag);

    /// <summary>Appends a trailer holding <paramref name="records"/> to an archive written with <paramref name="compression"/>.</summary>
    public static void Write(Stream output, ArchiveCompression compression, IReadOnlyList<TrailerRecord> records)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(records);
        output.Write(TrailerEncoding.Encode(compression, records));
    }

    /// <summary>
    /// Reads the trailer at the end of a seekable archive (its position is restored), or null when
    /// the archive has none (the Atmos CLI's, GNU gzip's, older ones). A trailer that looks present
    /// but does not parse is an error: it means the archive's end is damaged.
    /// </summary>
    public static ArchiveTrailer? Read(Stream archive, ArchiveCompression compression)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var position = archive.Position;
        try
        {
            return TrailerEncoding.Decode(archive, compression);
        }
        finally
        {
            archive.Position = position;
        }
    }
}
