
namespace Atmos.Cache.Streaming;

/// <summary>
/// The write side of a <see cref="GrowingArchive"/>: passes writes to the archive file, flushing it
/// before publishing the new length so a reader of the path sees every byte below that length.
/// </summary>
internal sealed class PublishingArchiveStream(FileStream file, GrowingArchive archive) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => file.Length;

    public override long Position
    {
        get => file.Position;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        file.Write(buffer);
        Flush();
    }

    public override void Flush()
    {
        file.Flush();
        archive.ReportAvailable(file.Position);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
