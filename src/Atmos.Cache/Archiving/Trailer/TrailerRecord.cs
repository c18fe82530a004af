namespace Atmos.Cache.Archiving.Trailer;

/// <summary>
/// One record of an archive trailer: a two-letter tag and its payload (at most
/// <see cref="MaxPayloadLength"/> bytes), encoded as a gzip extra subfield is (RFC 1952 2.3.1.1:
/// tag, little-endian 16-bit length, payload) in both archive formats.
/// </summary>
internal sealed class TrailerRecord
{
    /// <summary>The largest payload of one record: a gzip extra field holds at most 65,535 bytes, subfield header included.</summary>
    public const int MaxPayloadLength = ushort.MaxValue - TrailerEncoding.RecordHeaderLength;

    public TrailerRecord(TrailerTag tag, ReadOnlyMemory<byte> payload)
    {
        if (payload.Length > MaxPayloadLength)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, $"A trailer record holds at most {MaxPayloadLength} bytes; split larger data over several records.");
        }

        Tag = tag;
        Payload = payload;
    }

    public TrailerTag Tag { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    internal int EncodedLength => TrailerEncoding.RecordHeaderLength + Payload.Length;
}
