using ICSharpCode.SharpZipLib.Tar;

namespace Atmos.Cache.Archiving.Writing;

/// <summary>
/// One tar entry as the walker prepared it for the tar writer: its header and, for a file, either
/// its whole content already read (small files, in a pooled buffer) or the open file to stream.
/// </summary>
internal sealed class TarJob
{
    private TarJob(TarHeader header, byte[]? content, int contentLength, FileStream? file, string relative)
    {
        Header = header;
        Content = content;
        ContentLength = contentLength;
        File = file;
        Relative = relative;
    }

    public TarHeader Header { get; }

    /// <summary>The entry's content when it was read ahead (rented from the shared array pool).</summary>
    public byte[]? Content { get; private set; }

    public int ContentLength { get; }

    /// <summary>The open file whose <see cref="TarHeader.Size"/> bytes the writer streams.</summary>
    public FileStream? File { get; private set; }

    /// <summary>The root-relative path, for messages.</summary>
    public string Relative { get; }

    public static TarJob HeaderOnly(TarHeader header, string relative) => new(header, null, 0, null, relative);

    public static TarJob WithContent(TarHeader header, byte[] content, int length, string relative) => new(header, content, length, null, relative);

    public static TarJob Streamed(TarHeader header, FileStream file, string relative) => new(header, null, 0, file, relative);

    /// <summary>Gives back the buffer and closes the file (idempotent).</summary>
    public void Release()
    {
        if (Content is { } content)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(content);
            Content = null;
        }

        File?.Dispose();
        File = null;
    }
}
