using Atmos.Cache.Errors;

namespace Atmos.Cache.Archiving;

/// <summary>
/// Tells a failure that lies in the archive's bytes from one of this machine or of the transport.
/// Everything that reads the archive (the format sniff, the decompressor, the tar reader, the entry
/// checks, the trailer parser) throws the first kind, whatever the check; writing files and the
/// download throw the second. A reader only ever sees bytes that arrived whole (a download that
/// fails ends the read with its own error, and the end is seen only after as many bytes as the store
/// reported), so the first kind means the stored entry itself is damaged and can never restore.
/// </summary>
internal static class StoredBytesFailure
{
    /// <summary>Runs a step that reads the archive, marking a failure in its bytes as <see cref="CacheArchiveException.EntryDamaged"/>.</summary>
    public static T Reading<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (LiesInTheBytes(e))
        {
            throw Damaged(e);
        }
    }

    private static bool LiesInTheBytes(Exception e) => e switch
    {
        CacheArchiveException archive => !archive.OnThisMachine,
        EndOfStreamException or InvalidDataException or ZstdSharp.ZstdException => true,
        _ => false,
    };

    private static CacheArchiveException Damaged(Exception e) => e switch
    {
        CacheArchiveException { EntryDamaged: true } damaged => damaged,
        CacheArchiveException archive => new CacheArchiveException(archive.Message, archive) { EntryDamaged = true },
        EndOfStreamException => new CacheArchiveException(
            $"The cache archive is truncated: {Sentence(e.Message)}. It was not restored.", e) { EntryDamaged = true },
        _ => new CacheArchiveException(
            $"The cache archive is corrupt: its compressed data does not decompress ({Sentence(e.Message)}). It was not restored.", e) { EntryDamaged = true },
    };

    /// <summary>A library message fitted into ours: one line, no full stop of its own.</summary>
    internal static string Sentence(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
        return line.Length <= 200 ? line : line[..200] + "…";
    }
}
