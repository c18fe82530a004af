using Atmos.Cache.Streaming;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Streaming;

/// <summary>Ranges finishing in any order publish only the part complete from the start.</summary>
[TestClass]
public sealed class ContiguousPrefixTrackerTests
{
    [TestMethod]
    [DataRow(new[] { 2, 0, 4, 1, 3 })]
    [DataRow(new[] { 4, 3, 2, 1, 0 })]
    [DataRow(new[] { 0, 1, 2, 3, 4 })]
    [DataRow(new[] { 1, 3, 0, 4, 2 })]
    public void OutOfOrderRangesPublishTheLongestCompletePrefix(int[] order)
    {
        using var temp = new TempFolder();
        var archive = new GrowingArchive(temp.File("archive"));
        var tracker = new ContiguousPrefixTracker(archive);
        const int RangeSize = 10;
        const long Size = 45; // the last range is short
        var done = new bool[order.Length];

        foreach (var index in order)
        {
            tracker.CompleteRange(index * RangeSize, Math.Min(RangeSize, Size - (index * RangeSize)));
            done[index] = true;

            // The model: whole ranges from the first one on, up to the first gap.
            var complete = done.TakeWhile(static d => d).Count();
            var expected = Math.Min(Size, complete * (long)RangeSize);
            Assert.AreEqual(expected, tracker.Prefix);
            Assert.AreEqual(expected, archive.Available);
        }
    }

    [TestMethod]
    public async Task ARangeCompletedBeyondAGapDoesNotWakeAReaderOfTheGap()
    {
        using var temp = new TempFolder();
        var archive = new GrowingArchive(temp.File("archive"));
        var tracker = new ContiguousPrefixTracker(archive);
        var waiting = archive.WaitForAvailableAsync(1, CancellationToken.None);

        tracker.CompleteRange(100, 100);

        // Nothing was published, so nothing can wake the reader. This is checked on the archive's
        // state rather than on the waiting task, whose wake-up (if any) would run asynchronously
        // and could come after the check: a new wait answers synchronously from the same state.
        Assert.AreEqual(0, archive.Available);
        Assert.IsFalse(archive.WaitForAvailableAsync(1, CancellationToken.None).IsCompleted, "a reader of the gap still waits");

        tracker.CompleteRange(0, 100);

        Assert.AreEqual(200, archive.Available);
        Assert.AreEqual(200, await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
