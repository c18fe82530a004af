using Atmos.Cache.Archiving.Extraction;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>The staging index keeps each distinct name once, so its memory does not grow with the length of paths.</summary>
[TestClass]
[TestCategory("resources")]
[DoNotParallelize]
public sealed class StagingIndexTests
{
    [TestMethod]
    public void LongPaths_CostTheirDistinctNamesOnly()
    {
        using var temp = new TempFolder();
        const int Entries = 100_000;
        // About 2,200 bytes per path, 200 of them its own: a set of full paths would hold 440 MB (UTF-16).
        var prefix = string.Join('/', Enumerable.Range(0, 8).Select(static i => $"shared{i}-" + new string('s', 192)));
        var tail = new string('f', 188);
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var index = new StagingIndex(temp.Path);
        for (var i = 0; i < Entries; i++)
        {
            index.Register($"{prefix}/group{i / 1000:D4}/file{i:D7}-{tail}", StagingIndex.Kind.File, "entry", out _);
        }

        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(index);
        // Per entry: its 200-byte name, a 16-byte node and a bucket, plus the arena's and arrays' slack.
        Assert.IsLessThan(Entries * 300L + (8L << 20), held, $"{held} bytes held for {Entries} entries");
    }

    [TestMethod]
    public void NodeBudget_RefusesTheArchiveBeyondIt()
    {
        using var temp = new TempFolder();
        var index = new StagingIndex(temp.Path, maxNodes: 10);

        var error = Assert.ThrowsExactly<CacheArchiveException>(() =>
        {
            for (var i = 0; i < 20; i++)
            {
                index.Register($"f{i}", StagingIndex.Kind.File, $"f{i}", out _);
            }
        });

        StringAssert.Contains(error.Message, "more than 10 paths; 'f9' is one too many");
    }

    [TestMethod]
    public void NameBudget_RefusesTheArchiveBeyondIt()
    {
        using var temp = new TempFolder();
        var index = new StagingIndex(temp.Path, maxNameBytes: 1000);

        var error = Assert.ThrowsExactly<CacheArchiveException>(() =>
        {
            for (var i = 0; i < 20; i++)
            {
                index.Register($"{i:D2}-" + new string('n', 97), StagingIndex.Kind.File, $"entry{i}", out _);
            }
        });

        StringAssert.Contains(error.Message, "need more than 1000 bytes of memory; 'entry10' goes over it");
    }
}
