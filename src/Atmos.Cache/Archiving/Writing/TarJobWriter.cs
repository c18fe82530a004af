using System.Runtime.CompilerServices;
using ICSharpCode.SharpZipLib.Tar;

namespace Atmos.Cache.Archiving.Writing;

/// <summary>Writes the walker's <see cref="TarJob"/>s into the tar stream, in order.</summary>
internal sealed class TarJobWriter(TarOutputStream tar)
{
    private readonly byte[] _copyBuffer = new byte[1 << 20];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(TarJob job)
    {
        var header = job.Header;
        PaxExtendedHeader.MarkUstar(header);
        if (PaxExtendedHeader.RecordsFor(header) is { } records)
        {
            tar.PutNextEntry(new TarEntry(PaxExtendedHeader.HeaderFor(header, records.Length)));
            tar.Write(records, 0, records.Length);
            tar.CloseEntry();
        }

        tar.PutNextEntry(new TarEntry(header));
        if (job.Content is { } content)
        {
            tar.Write(content, 0, job.ContentLength);
        }
        else if (job.File is { } file)
        {
            Copy(file, header.Size, job.Relative);
        }

        tar.CloseEntry();
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
