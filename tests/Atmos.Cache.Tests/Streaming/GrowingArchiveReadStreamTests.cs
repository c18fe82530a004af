using Atmos.Cache.Errors;
using Atmos.Cache.Streaming;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Streaming;

/// <summary>
/// The reader of a downloading archive: waits for the bytes it needs (never sees bytes of a range
/// that is not complete), rethrows the download's failure, ends on cancellation, and reports its
/// end only once the download completed.
/// </summary>
[TestClass]
public sealed class GrowingArchiveReadStreamTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [TestMethod]
    public async Task AReaderFollowsRangesWrittenOutOfOrderAndReadsEveryByte()
    {
        using var temp = new TempFolder();
        var content = new byte[(3 << 20) + 12345];
        new Random(5).NextBytes(content);
        var (archive, file) = Presized(temp, content.Length);
        const int RangeSize = 200_000;
        var ranges = Enumerable.Range(0, (content.Length + RangeSize - 1) / RangeSize).ToArray();
        new Random(6).Shuffle(ranges);
        await using var stream = new GrowingArchiveReadStream(archive, content.Length, CancellationToken.None);

        // The extractor reads synchronously on its own thread.
        var reading = Task.Factory.StartNew(() => SampleData.ReadAll(stream), TaskCreationOptions.LongRunning);
        var tracker = new ContiguousPrefixTracker(archive);
        using (file)
        {
            foreach (var index in ranges)
            {
                var start = index * RangeSize;
                var length = Math.Min(RangeSize, content.Length - start);
                RandomAccess.Write(file, content.AsSpan(start, length), start);
                tracker.CompleteRange(start, length);
            }
        }

        archive.Complete(content.Length);
        CollectionAssert.AreEqual(content, await reading.WaitAsync(Patience));
    }

    [TestMethod]
    public async Task AReadWaitsUntilItsRangeIsCompleteEvenWhenTheBytesAreAlreadyInTheFile()
    {
        using var temp = new TempFolder();
        var content = RandomBytes(1000, seed: 7);
        var (archive, file) = Presized(temp, content.Length);
        using var _ = file;
        var tracker = new ContiguousPrefixTracker(archive);
        await using var stream = new GrowingArchiveReadStream(archive, content.Length, CancellationToken.None);

        // Written but not complete: a range being retried is in exactly this state.
        RandomAccess.Write(file, content.AsSpan(0, 500), 0);
        var buffer = new byte[1000];
        var read = stream.ReadAsync(buffer).AsTask();
        var completedBeforePublish = read.IsCompleted;
        tracker.CompleteRange(0, 500);
        var count = await read.WaitAsync(Patience);

        Assert.IsFalse(completedBeforePublish);
        Assert.AreEqual(500, count, "only the published prefix is read");
        CollectionAssert.AreEqual(content[..500], buffer[..500]);
    }

    [TestMethod]
    public async Task TheEndIsReportedOnlyOnceTheDownloadCompleted()
    {
        using var temp = new TempFolder();
        var content = RandomBytes(4096, seed: 8);
        var (archive, file) = Presized(temp, content.Length);
        using var _ = file;
        RandomAccess.Write(file, content, 0);
        new ContiguousPrefixTracker(archive).CompleteRange(0, content.Length);
        await using var stream = new GrowingArchiveReadStream(archive, content.Length, CancellationToken.None);

        var buffer = new byte[8192];
        var first = await stream.ReadAsync(buffer).AsTask().WaitAsync(Patience);
        var end = stream.ReadAsync(buffer).AsTask();
        var endBeforeComplete = end.IsCompleted;
        archive.Complete(content.Length);

        Assert.AreEqual(content.Length, first);
        Assert.IsFalse(endBeforeComplete, "every byte arrived, but the download has not completed yet");
        Assert.AreEqual(0, await end.WaitAsync(Patience));
    }

    [TestMethod]
    public async Task ADownloadFailureIsThrownByAWaitingRead()
    {
        using var temp = new TempFolder();
        var (archive, file) = Presized(temp, 1000);
        using var _ = file;
        await using var stream = new GrowingArchiveReadStream(archive, 1000, CancellationToken.None);

        var read = Task.Factory.StartNew(() => stream.Read(new byte[100], 0, 100), TaskCreationOptions.LongRunning);
        var failure = new CacheBackendException("Downloading bytes 0-999 failed after 5 attempts.");
        archive.Fail(failure);

        var thrown = await Assert.ThrowsExactlyAsync<CacheBackendException>(() => read.WaitAsync(Patience));
        Assert.AreSame(failure, thrown);
    }

    [TestMethod]
    public async Task AfterAFailureEvenBytesThatArrivedAreNotServedSoTheExtractionStopsAtOnce()
    {
        using var temp = new TempFolder();
        var content = RandomBytes(1000, seed: 9);
        var (archive, file) = Presized(temp, content.Length);
        using var _ = file;
        RandomAccess.Write(file, content.AsSpan(0, 400), 0);
        var tracker = new ContiguousPrefixTracker(archive);
        tracker.CompleteRange(0, 200);
        await using var stream = new GrowingArchiveReadStream(archive, content.Length, CancellationToken.None);

        var buffer = new byte[100];
        var count = stream.Read(buffer, 0, buffer.Length);
        tracker.CompleteRange(200, 200);
        archive.Fail(new CacheBackendException("range failed"));

        Assert.AreEqual(100, count);
        CollectionAssert.AreEqual(content[..100], buffer);
        stream.Seek(300, SeekOrigin.Begin);
        Assert.ThrowsExactly<CacheBackendException>(() => stream.Read(buffer, 0, buffer.Length));
    }

    [TestMethod]
    public async Task CancellingTheStreamTokenEndsAWaitingSynchronousRead()
    {
        using var temp = new TempFolder();
        var (archive, file) = Presized(temp, 1000);
        using var _ = file;
        using var cancel = new CancellationTokenSource();
        await using var stream = new GrowingArchiveReadStream(archive, 1000, cancel.Token);

        var read = Task.Factory.StartNew(() => stream.Read(new byte[100], 0, 100), TaskCreationOptions.LongRunning);
        await cancel.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => read.WaitAsync(Patience));
    }

    [TestMethod]
    public async Task CancellingTheReadTokenEndsAWaitingAsynchronousRead()
    {
        using var temp = new TempFolder();
        var (archive, file) = Presized(temp, 1000);
        using var _ = file;
        using var cancel = new CancellationTokenSource();
        await using var stream = new GrowingArchiveReadStream(archive, 1000, CancellationToken.None);

        var read = stream.ReadAsync(new byte[100], cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => read.WaitAsync(Patience));
    }

    [TestMethod]
    public async Task ADownloadThatCompletesShorterThanReportedIsAnError()
    {
        using var temp = new TempFolder();
        var (archive, file) = Presized(temp, 1000);
        using var _ = file;
        new ContiguousPrefixTracker(archive).CompleteRange(0, 600);
        archive.Complete(600);
        await using var stream = new GrowingArchiveReadStream(archive, 1000, CancellationToken.None);

        var buffer = new byte[1000];
        Assert.AreEqual(600, stream.Read(buffer, 0, buffer.Length));
        Assert.ThrowsExactly<CacheBackendException>(() => stream.Read(buffer, 0, buffer.Length));
    }

    [TestMethod]
    public async Task SeekingToTheTrailerWaitsForTheLastRange()
    {
        using var temp = new TempFolder();
        var content = RandomBytes(1000, seed: 10);
        var (archive, file) = Presized(temp, content.Length);
        using var _ = file;
        RandomAccess.Write(file, content, 0);
        var tracker = new ContiguousPrefixTracker(archive);
        tracker.CompleteRange(0, 500);
        await using var stream = new GrowingArchiveReadStream(archive, content.Length, CancellationToken.None);

        stream.Seek(-4, SeekOrigin.End);
        var trailer = new byte[4];
        var read = stream.ReadAsync(trailer).AsTask();
        var readBeforeLastRange = read.IsCompleted;
        tracker.CompleteRange(500, 500);

        Assert.IsFalse(readBeforeLastRange);
        Assert.AreEqual(4, await read.WaitAsync(Patience));
        CollectionAssert.AreEqual(content[^4..], trailer);
    }

    [TestMethod]
    public async Task TheTailFetchedAheadIsReadBeforeTheRestArrived()
    {
        using var temp = new TempFolder();
        var content = RandomBytes(100_000, seed: 14);
        var (archive, file) = Presized(temp, content.Length);
        using var _ = file;
        archive.PublishTail(content[^1000..]);
        await using var stream = new GrowingArchiveReadStream(archive, content.Length, CancellationToken.None);

        // Nothing of the file is published: only the tail can answer.
        stream.Seek(-600, SeekOrigin.End);
        var buffer = new byte[600];
        stream.ReadExactly(buffer);

        Assert.IsTrue(stream.EndIsReadable);
        CollectionAssert.AreEqual(content[^600..], buffer);
    }

    [TestMethod]
    public async Task ATailThatDiffersFromTheDownloadedFileFailsAtTheEnd()
    {
        using var temp = new TempFolder();
        var content = RandomBytes(100_000, seed: 15);
        var (archive, file) = Presized(temp, content.Length);
        using (file)
        {
            RandomAccess.Write(file, content, 0);
        }

        var tail = content[^1000..];
        tail[10] ^= 0x01;
        archive.PublishTail(tail);
        archive.Complete(content.Length);
        await using var stream = new GrowingArchiveReadStream(archive, content.Length, CancellationToken.None);

        var error = Assert.ThrowsExactly<CacheBackendException>(() => SampleData.ReadAll(stream));

        StringAssert.Contains(error.Message, "changed");
    }

    private static (GrowingArchive Archive, Microsoft.Win32.SafeHandles.SafeFileHandle File) Presized(TempFolder temp, long size)
    {
        var path = temp.File("download.archive");
        var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        RandomAccess.SetLength(file, size);
        return (new GrowingArchive(path), file);
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
