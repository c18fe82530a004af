namespace Atmos.Cache.Archiving.Compression.Zstd;

/// <summary>
/// A read-only stream of the decompressed content of zstd frames read from <c>input</c>, decoded
/// by the system libzstd (which checks each frame's content checksum). Input that ends inside a
/// frame is reported as truncated rather than taken as a short archive.
/// </summary>
internal sealed unsafe class SystemZstdDecompressionStream : Stream
{
    private const int InputBufferSize = 1 << 20;

    private readonly ZstdFunctions _zstd;
    private readonly ZstdContextHandle _context;
    private readonly Stream _input;
    private readonly byte[] _inputBuffer = new byte[InputBufferSize];
    private int _inputLength;
    private int _inputPosition;
    private bool _inputEnded;
    private bool _insideFrame;

    public SystemZstdDecompressionStream(ZstdFunctions zstd, Stream input)
    {
        _zstd = zstd;
        _input = input;
        _context = ZstdContextHandle.ForDecompression(zstd);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            if (_inputPosition == _inputLength && !_inputEnded)
            {
                _inputLength = _input.Read(_inputBuffer, 0, _inputBuffer.Length);
                _inputPosition = 0;
                _inputEnded = _inputLength == 0;
            }

            var produced = Decode(buffer);
            if (produced > 0)
            {
                return produced;
            }

            if (_inputEnded && _inputPosition == _inputLength)
            {
                // libzstd holds nothing back once it reported the frame complete (0), so an ended
                // input in the middle of a frame means the archive was cut short.
                return _insideFrame ? throw new InvalidDataException("The zstd data ends in the middle of a frame (truncated).") : 0;
            }
        }
    }

    private int Decode(Span<byte> destination)
    {
        fixed (byte* source = _inputBuffer)
        fixed (byte* target = destination)
        {
            var input = new ZstdInBuffer { Source = source, Size = (nuint)_inputLength, Position = (nuint)_inputPosition };
            var output = new ZstdOutBuffer { Destination = target, Size = (nuint)destination.Length };
            if (input.Position == input.Size && !_insideFrame)
            {
                return 0;
            }

            var hint = _zstd.DecompressStream(_context.DangerousGetHandle(), &output, &input);
            _inputPosition = (int)input.Position;
            _insideFrame = hint != 0;

            return (int)output.Position;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _context.Dispose();
        }

        base.Dispose(disposing);
    }
}
