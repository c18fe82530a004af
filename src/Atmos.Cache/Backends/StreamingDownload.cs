using Atmos.Cache.Streaming;
namespace Atmos.Cache.Backends;

/// <summary>
/// A download under way: what matched, the file it lands in (published as its contiguous prefix
/// grows, completed with <see cref="CacheMatch.Size"/> bytes once every byte arrived, failed with the
/// download's error otherwise), and the download itself.
/// </summary>
public sealed class StreamingDownload
{
    public StreamingDownload(CacheMatch match, GrowingArchive archive, Task completion)
    {
        Match = match ?? throw new ArgumentNullException(nameof(match));
        Archive = archive ?? throw new ArgumentNullException(nameof(archive));
        Completion = completion ?? throw new ArgumentNullException(nameof(completion));
    }

    /// <summary>The key that matched and the archive's size as storage reported it.</summary>
    public CacheMatch Match { get; }

    /// <summary>The downloading file; its available length is the contiguous prefix already written.</summary>
    public GrowingArchive Archive { get; }

    /// <summary>Ends when the download ended and released the file: succeeded, failed or cancelled.</summary>
    public Task Completion { get; }
}
