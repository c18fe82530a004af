using System.Buffers.Binary;
using System.IO.Compression;
using Atmos.Cache.Archiving;

namespace Atmos.Cache.Testing.Hostile;

/// <summary>
/// Writes a gzip or zstd stream whose long runs of zeros cost almost nothing on disk, so a test can
/// build an archive that claims hundreds of GiB in a few MB. zstd: other bytes are compressed
/// normally, one frame per stretch between zero runs, and each zero run is a frame of RLE blocks
/// (128 KiB of zeros in 4 bytes). gzip: one member; each stretch of other bytes and each zero run is
/// a piece of deflate blocks that refers to nothing before itself and ends on a byte boundary (a
/// sync flush), and long zero runs repeat one piece made once (16 MiB of zeros); the CRC-32 of a
/// zero run is computed in logarithmic time, so even a claim of hundreds of GiB gets a correct trailer.
/// </summary>
public sealed class CompressedSink : IDisposable
{
    private const int ZstdBlock = 128 * 1024;
    private const int GzipPiece = 16 << 20;

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(static n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++)
        {
            c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }

        return c;
    }).ToArray();

    private readonly Stream _output;
    private readonly ArchiveCompression _compression;
    private readonly MemoryStream _pending = new();
    private readonly Dictionary<long, byte[]> _zeroPieces = [];
    private readonly Dictionary<long, uint[]> _zeroOperators = [];
    private uint _crc = 0xFFFFFFFF;

    public CompressedSink(Stream output, ArchiveCompression compression)
    {
        _output = output;
        _compression = compression;
        if (compression == ArchiveCompression.Gzip)
        {
            _output.Write([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]);
        }
    }

    /// <summary>Uncompressed bytes written so far.</summary>
    public long Length { get; private set; }

    public void Write(ReadOnlySpan<byte> data)
    {
        Length += data.Length;
        _pending.Write(data);
        if (_compression == ArchiveCompression.Gzip)
        {
            foreach (var b in data)
            {
                _crc = CrcTable[(_crc ^ b) & 0xFF] ^ (_crc >> 8);
            }
        }

        if (_pending.Length >= 4 << 20)
        {
            FlushPending();
        }
    }

    public void WriteZeros(long count)
    {
        if (count < 64 * 1024)
        {
            Write(new byte[count]);
            return;
        }

        FlushPending();
        Length += count;
        if (_compression == ArchiveCompression.Zstd)
        {
            // Magic, then a descriptor with no checksum and no content size, and a 128 KiB window.
            _output.Write([0x28, 0xB5, 0x2F, 0xFD, 0x00, (17 - 10) << 3]);
            for (var left = count; left > 0; left -= ZstdBlock)
            {
                ZstdBlockHeader(type: 1, (int)Math.Min(ZstdBlock, left));
                _output.WriteByte(0);
            }

            ZstdBlockHeader(type: 0, 0, last: true);
            return;
        }

        _crc = ApplyZeros(_crc, count);
        for (; count >= GzipPiece; count -= GzipPiece)
        {
            _output.Write(ZeroPiece(GzipPiece));
        }

        if (count > 0)
        {
            _output.Write(ZeroPiece(count));
        }
    }

    public void Dispose()
    {
        FlushPending();
        if (_compression == ArchiveCompression.Gzip)
        {
            // A final fixed-Huffman block holding only its end code, then CRC-32 and size.
            _output.Write([0x03, 0x00]);
            Span<byte> trailer = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(trailer, ~_crc);
            BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], unchecked((uint)Length));
            _output.Write(trailer);
        }
        else if (Length == 0)
        {
            FlushPending(always: true);
        }

        _output.Flush();
    }

    /// <summary>
    /// The CRC register after <paramref name="count"/> zero bytes. Feeding zeros is linear over GF(2),
    /// so it is a 32x32 bit matrix: the one for a single byte, raised to the count by squaring.
    /// </summary>
    private uint ApplyZeros(uint crc, long count)
    {
        if (!_zeroOperators.TryGetValue(count, out var result))
        {
            var power = new uint[32];
            result = new uint[32];
            for (var i = 0; i < 32; i++)
            {
                var bit = 1u << i;
                power[i] = CrcTable[bit & 0xFF] ^ (bit >> 8);
                result[i] = bit;
            }

            for (var n = count; n > 0; n >>= 1)
            {
                if ((n & 1) != 0)
                {
                    result = Compose(power, result);
                }

                power = Compose(power, power);
            }

            _zeroOperators[count] = result;
        }

        return Times(result, crc);
    }

    private static uint[] Compose(uint[] after, uint[] before) => before.Select(column => Times(after, column)).ToArray();

    private static uint Times(uint[] matrix, uint vector)
    {
        var result = 0u;
        for (var i = 0; vector != 0; i++, vector >>= 1)
        {
            if ((vector & 1) != 0)
            {
                result ^= matrix[i];
            }
        }

        return result;
    }

    private byte[] ZeroPiece(long count)
    {
        if (!_zeroPieces.TryGetValue(count, out var piece))
        {
            piece = Deflate(new byte[count]);
            _zeroPieces[count] = piece;
        }

        return piece;
    }

    private void FlushPending(bool always = false)
    {
        if (_pending.Length == 0 && !always)
        {
            return;
        }

        if (_compression == ArchiveCompression.Gzip && _pending.Length < 64 * 1024)
        {
            // A stored block: cheaper to make than a compressor for a header or two between zero runs.
            var length = (ushort)_pending.Length;
            _output.Write([0x00, (byte)length, (byte)(length >> 8), (byte)~length, (byte)(~length >> 8)]);
            _output.Write(_pending.GetBuffer().AsSpan(0, length));
        }
        else if (_compression == ArchiveCompression.Gzip)
        {
            _output.Write(Deflate(_pending.GetBuffer().AsSpan(0, (int)_pending.Length)));
        }
        else
        {
            using var zstd = new ZstdSharp.CompressionStream(_output, 3, leaveOpen: true);
            zstd.Write(_pending.GetBuffer().AsSpan(0, (int)_pending.Length));
        }

        _pending.SetLength(0);
    }

    private void ZstdBlockHeader(int type, int size, bool last = false)
    {
        var header = (uint)(size << 3) | (uint)(type << 1) | (last ? 1u : 0u);
        _output.Write([(byte)header, (byte)(header >> 8), (byte)(header >> 16)]);
    }

    /// <summary>Non-final deflate blocks for <paramref name="data"/>, ending on a byte boundary (a sync flush).</summary>
    private static byte[] Deflate(ReadOnlySpan<byte> data)
    {
        var buffer = new MemoryStream();
        var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true);
        deflate.Write(data);
        deflate.Flush();
        var piece = buffer.ToArray();
        // Disposing would append a final block: only the flushed bytes are wanted.
        deflate.Dispose();
        return piece;
    }
}
