using System.Security.Cryptography;

namespace Atmos.Cache.Archiving.Integrity;

/// <summary>
/// Passes the compressor's output through to the archive and hashes it on the way (the v2 stored
/// digest): one pass over bytes already in cache, a third to a half of what the tar stream holds.
/// Flushes pass through, so a streaming save still publishes each block as it is written.
/// </summary>
internal sealed class DigestingWriteStream(Stream output) : Stream
{
    private readonly IncrementalHash _digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>SHA-256 of every byte written so far; call once, after the compressor completed.</summary>
    public byte[] FinishDigest() => _digest.GetHashAndReset();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _digest.AppendData(buffer);
        output.Write(buffer);
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => output.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The archive stream belongs to the caller.
            _digest.Dispose();
        }

        base.Dispose(disposing);
    }
}
