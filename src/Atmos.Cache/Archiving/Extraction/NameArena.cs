namespace Atmos.Cache.Archiving.Extraction;

/// <summary>
/// Append-only storage for the UTF-8 names and link targets of <see cref="StagingIndex"/>: fixed
/// chunks (no copying as it grows, no per-name object), up to a byte budget.
/// </summary>
internal sealed class NameArena
{
    /// <summary>The default budget: 2,000,000 entries with 64-byte distinct names each.</summary>
    public const long MaxBytes = 128L * 1024 * 1024;

    private const int ChunkBits = 20;
    private const int ChunkSize = 1 << ChunkBits;

    private readonly List<byte[]> _chunks = [];
    private int _used = ChunkSize;

    public NameArena(long limit) => Limit = limit;

    public long Limit { get; }

    /// <summary>Bytes held so far.</summary>
    public long Bytes { get; private set; }

    /// <summary>Stores <paramref name="value"/> (at most a chunk long); null when the budget would be exceeded.</summary>
    public (int Offset, int Length)? Add(ReadOnlySpan<byte> value)
    {
        if (value.Length > ChunkSize || Bytes + value.Length > Limit)
        {
            return null;
        }

        if (value.Length == 0)
        {
            return (0, 0);
        }

        if (ChunkSize - _used < value.Length)
        {
            _chunks.Add(new byte[ChunkSize]);
            _used = 0;
        }

        value.CopyTo(_chunks[^1].AsSpan(_used));
        var offset = ((_chunks.Count - 1) << ChunkBits) | _used;
        _used += value.Length;
        Bytes += value.Length;
        return (offset, value.Length);
    }

    public ReadOnlySpan<byte> Get(int offset, int length) =>
        length == 0 ? default : _chunks[offset >> ChunkBits].AsSpan(offset & (ChunkSize - 1), length);
}
