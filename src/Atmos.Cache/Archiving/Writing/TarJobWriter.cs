using System.Runtime.CompilerServices;
using System.Text;
using ICSharpCode.SharpZipLib.Tar;

namespace Atmos.Cache.Archiving.Writing;

/// <summary>Writes the walker's <see cref="TarJob"/>s into the tar stream, in order.</summary>
internal sealed class TarJobWriter(TarOutputStream tar)
{
    private readonly byte[] _copyBuffer = new byte[1 << 20];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(TarJob job)
    {
        WriteLongNameIfNeeded(job.Header);
        tar.PutNextEntry(new TarEntry(job.Header));
        if (job.Content is { } content)
        {
            tar.Write(content, 0, job.ContentLength);
        }
        else if (job.File is { } file)
        {
            Copy(file, job.Header.Size, job.Relative);
        }

        tar.CloseEntry();
    }

    // SharpZipLib counts a name's length in characters, not bytes: a non-ASCII name over 100 bytes is cut
    // short, and a long one can make it throw. A GNU long-name record carries the full UTF-8 name instead,
    // and the header keeps an ASCII stand-in that readers replace with it.
    private void WriteLongNameIfNeeded(TarHeader header)
    {
        var byteCount = Encoding.UTF8.GetByteCount(header.Name);
        if (byteCount <= TarHeader.NAMELEN)
        {
            return;
        }

        var bytes = new byte[byteCount + 1];
        Encoding.UTF8.GetBytes(header.Name, bytes);
        var longName = new TarHeader
        {
            Name = "././@LongLink",
            TypeFlag = TarHeader.LF_GNU_LONGNAME,
            Mode = 0x1A4,
            ModTime = DateTime.UnixEpoch,
            UserName = string.Empty,
            GroupName = string.Empty,
            LinkName = string.Empty,
            Size = bytes.Length,
        };
        tar.PutNextEntry(new TarEntry(longName));
        tar.Write(bytes, 0, bytes.Length);
        tar.CloseEntry();

        var standIn = new StringBuilder(TarHeader.NAMELEN - 1);
        foreach (var c in header.Name)
        {
            if (standIn.Length == TarHeader.NAMELEN - 1)
            {
                break;
            }

            standIn.Append(c is >= ' ' and < (char)0x7F ? c : '_');
        }

        // A stand-in ending in '/' would make the entry a folder (SharpZipLib then writes size 0, and
        // tar readers ignore the size); a NuGet packages folder has such names.
        if (header.TypeFlag != TarHeader.LF_DIR && standIn[^1] == '/')
        {
            standIn[^1] = '_';
        }

        header.Name = standIn.ToString();
    }

    private void Copy(FileStream file, long size, string relative)
    {
        var remaining = size;
        while (remaining > 0)
        {
            var read = file.Read(_copyBuffer, 0, (int)Math.Min(_copyBuffer.Length, remaining));
            if (read == 0)
            {
                throw TreeArchiver.Shrank(relative);
            }

            tar.Write(_copyBuffer, 0, read);
            remaining -= read;
        }
    }
}
