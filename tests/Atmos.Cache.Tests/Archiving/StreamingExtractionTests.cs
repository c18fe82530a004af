using Atmos.Cache.Archiving;
using Atmos.Cache.Errors;
using Atmos.Cache.Streaming;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>
/// Extraction from an archive that is still arriving: nothing reaches the root before the whole
/// archive arrived, a failure at the very end still leaves the root as it was, and a corrupt
/// archive stops the reading at once instead of waiting for bytes that may never come.
/// </summary>
[TestClass]
public sealed class StreamingExtractionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip, true)]
    [DataRow(ArchiveCompression.Zstd, true)]
    [DataRow(ArchiveCompression.Gzip, false)]
    [DataRow(ArchiveCompression.Zstd, false)]
    public async Task NothingIsMergedUntilTheArchiveArrivedCompletely(ArchiveCompression compression, bool downloadSucceeds)
    {
        using var temp = new TempFolder();
        var source = temp.Combine("source");
        SampleTree.Create(source);
        var archivePath = temp.Combine("written.archive");
        await ArchiveWriter.WriteAsync(source, archivePath, new ArchiveWriteOptions { Compression = compression }, CancellationToken.None);
        var bytes = await File.ReadAllBytesAsync(archivePath);
        var root = temp.Combine("root");
        temp.WriteFile("root/lib/data.bin", "an older copy");
        var before = TreeListing.Of(root);
        var growing = Arrived(temp, bytes);
        using var stop = new CancellationTokenSource();
        await using var input = new EndProbeStream(new GrowingArchiveReadStream(growing, bytes.Length, stop.Token));

        // Every byte is there, but the download has not reported its end yet.
        var extracting = ArchiveExtractor.ExtractAsync(input, root, new ExtractOptions(), stop.Cancel, CancellationToken.None);
        await input.EndRequested.WaitAsync(Patience);
        var whileWaiting = TreeListing.OfContent(root); // staging lives in the state folder
        if (downloadSucceeds)
        {
            growing.Complete(bytes.Length);
            await extracting.WaitAsync(Patience);
            TreeListing.AssertSame(TreeListing.Of(source), TreeListing.Of(root));
        }
        else
        {
            growing.Fail(new CacheBackendException("the last range failed"));
            await Assert.ThrowsExactlyAsync<CacheBackendException>(() => extracting.WaitAsync(Patience));
            TreeListing.AssertSame(before, TreeListing.Of(root));
        }

        TreeListing.AssertSame(before, whileWaiting);
    }

    [TestMethod]
    public async Task ACorruptArchiveStopsReadingWithoutWaitingForTheRest()
    {
        using var temp = new TempFolder();
        var noise = new byte[2 << 20];
        new Random(3).NextBytes(noise);
        var tar = new RawTar().File("a.txt", "a").File("b.txt", "b").Entry("noise.bin", '0', noise).ToTar();
        tar[512 + 512 + 3] ^= 0x01; // a byte of the second header's name: its checksum no longer matches
        var bytes = RawTar.Gzip(tar);
        var half = bytes.Length / 2;
        var growing = Arrived(temp, bytes, half);
        var root = temp.Combine("root");
        using var stop = new CancellationTokenSource();
        await using var input = new GrowingArchiveReadStream(growing, bytes.Length, stop.Token);

        // The second half never arrives: only the stop can end the decompressor's wait for it.
        var extracting = ArchiveExtractor.ExtractAsync(input, root, new ExtractOptions(), stop.Cancel, CancellationToken.None);
        var error = await Assert.ThrowsExactlyAsync<CacheArchiveException>(() => extracting.WaitAsync(Patience));

        StringAssert.Contains(error.Message, "checksum");
        Assert.IsTrue(stop.IsCancellationRequested, "the extraction asked for the reading (and the download) to stop");
        Assert.IsFalse(Directory.Exists(root));
    }

    /// <summary>A pre-sized file holding <paramref name="bytes"/> whose first <paramref name="published"/> bytes are published.</summary>
    [TestMethod]
    public async Task AnIndexedGzipArchiveWhoseTailCameFirstRestoresTheSameTree()
    {
        using var temp = new TempFolder();
        var source = temp.Combine("source");
        SampleTree.Create(source);
        var lib = Path.Combine(source, "lib");
        var libTime = Directory.GetLastWriteTimeUtc(lib);
        temp.RandomFile("source/lib/noise.bin", 5_000_000, seed: 4);
        File.SetLastWriteTimeUtc(Path.Combine(lib, "noise.bin"), libTime);
        Directory.SetLastWriteTimeUtc(lib, libTime);
        var archivePath = temp.Combine("written.archive");
        await ArchiveWriter.WriteAsync(source, archivePath, new ArchiveWriteOptions(), CancellationToken.None);
        var bytes = await File.ReadAllBytesAsync(archivePath);
        var growing = Arrived(temp, bytes, published: 0);
        growing.PublishTail(bytes[^4096..]);
        var root = temp.Combine("root");
        using var stop = new CancellationTokenSource();
        await using var input = new GrowingArchiveReadStream(growing, bytes.Length, stop.Token);

        var extracting = ArchiveExtractor.ExtractAsync(input, root, new ExtractOptions(), stop.Cancel, CancellationToken.None, trailerFirst: input.EndIsReadable);
        // The rest arrives in two steps after the extraction started.
        growing.ReportAvailable(bytes.Length / 2);
        growing.Complete(bytes.Length);
        await extracting.WaitAsync(Patience);

        TreeListing.AssertSame(TreeListing.Of(source), TreeListing.Of(root));
    }

    private static GrowingArchive Arrived(TempFolder temp, byte[] bytes, int? published = null)
    {
        var path = temp.File("download.archive");
        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(file, bytes.Length);
            RandomAccess.Write(file, bytes, 0);
        }

        var growing = new GrowingArchive(path);
        growing.ReportAvailable(published ?? bytes.Length);
        return growing;
    }

    /// <summary>Passes reads through and reports when a read at (or past) the end is asked for.</summary>
    private sealed class EndProbeStream(Stream inner) : Stream
    {
        private readonly TaskCompletionSource _endRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task EndRequested => _endRequested.Task;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (inner.Position >= inner.Length)
            {
                _endRequested.TrySetResult();
            }

            return inner.Read(buffer, offset, count);
        }

        public override int Read(Span<byte> buffer)
        {
            if (inner.Position >= inner.Length)
            {
                _endRequested.TrySetResult();
            }

            return inner.Read(buffer);
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
