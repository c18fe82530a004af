namespace Atmos.Cache.Archiving.Tar;

/// <summary>The kind of a tar entry, as far as extraction cares.</summary>
internal enum TarEntryType
{
    File,
    Folder,
    Symlink,
    HardLink,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Other,
}

/// <summary>One tar entry with its metadata records (GNU long names, PAX) already applied.</summary>
/// <param name="Name">The entry name as stored (not yet validated).</param>
/// <param name="Type">What the entry is.</param>
/// <param name="TypeFlag">The raw type flag, for messages.</param>
/// <param name="LinkName">The link target (symbolic and hard links).</param>
/// <param name="Mode">The stored mode bits (permission bits and above).</param>
/// <param name="Size">The content bytes that follow (0 for header-only types).</param>
/// <param name="ModifiedUtc">The modification time.</param>
/// <param name="Offset">Offset of the entry's header in the tar stream, for messages.</param>
internal sealed record TarEntryHeader(
    string Name,
    TarEntryType Type,
    char TypeFlag,
    string LinkName,
    int Mode,
    long Size,
    DateTime ModifiedUtc,
    long Offset);
