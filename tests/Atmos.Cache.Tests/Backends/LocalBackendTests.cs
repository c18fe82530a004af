using System.Security.Cryptography;
using Atmos.Cache.Backends;
using Atmos.Cache.Backends.Local;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Backends;

[TestClass]
public sealed class LocalBackendTests
{
    private const string Gzip = "v-gzip";
    private const string Zstd = "v-zstd";

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Cancel => TestContext.CancellationToken;

    [TestMethod]
    public async Task SaveThenRestoreExactKeyReturnsTheSameBytes()
    {
        using var temp = new TempFolder();
        var backend = new LocalBackend(temp.Combine("store"));
        var archive = WriteRandomFile(temp, "a.bin", 100_000);

        await backend.SaveAsync("key-1", Gzip, archive, Cancel);
        var match = await backend.RestoreAsync("key-1", [], Gzip, temp.Combine("out.bin"), Cancel);

        Assert.AreEqual("key-1", match.MatchedKey);
        Assert.AreEqual(100_000, match.Size);
        CollectionAssert.AreEqual(File.ReadAllBytes(archive), File.ReadAllBytes(temp.Combine("out.bin")));
    }

    [TestMethod]
    public async Task SaveExistingKeyThrowsAlreadyExistsAndKeepsTheFirstContent()
    {
        using var temp = new TempFolder();
        var backend = new LocalBackend(temp.Combine("store"));
        var first = WriteRandomFile(temp, "1.bin", 1000);
        var second = WriteRandomFile(temp, "2.bin", 2000);
        await backend.SaveAsync("k", Gzip, first, Cancel);

        await Assert.ThrowsExactlyAsync<CacheAlreadyExistsException>(() => backend.SaveAsync("k", Gzip, second, Cancel));

        await backend.RestoreAsync("k", [], Gzip, temp.Combine("out"), Cancel);
        CollectionAssert.AreEqual(File.ReadAllBytes(first), File.ReadAllBytes(temp.Combine("out")));
    }

    [TestMethod]
    public async Task SaveConcurrentWritersOfOneKeyExactlyOneWins()
    {
        using var temp = new TempFolder();
        var store = temp.Combine("store");
        var archives = Enumerable.Range(0, 8).Select(i => WriteRandomFile(temp, $"{i}.bin", 300_000)).ToArray();

        var outcomes = await Task.WhenAll(archives.Select(archive => Task.Run(async () =>
        {
            try
            {
                await new LocalBackend(store).SaveAsync("same", Gzip, archive, Cancel);
                return archive;
            }
            catch (CacheAlreadyExistsException)
            {
                return null;
            }
        }, Cancel)));

        var winners = outcomes.Where(o => o is not null).ToList();
        Assert.HasCount(1, winners);
        await new LocalBackend(store).RestoreAsync("same", [], Gzip, temp.Combine("out"), Cancel);
        CollectionAssert.AreEqual(File.ReadAllBytes(winners[0]!), File.ReadAllBytes(temp.Combine("out")), "the stored entry is the winner's, whole");
        Assert.HasCount(1, await new LocalBackend(store).ListAsync(new CacheListOptions(), Cancel));
    }

    [TestMethod]
    public async Task RestoreWhileAWriterIsSavingSeesNothingOrTheWholeEntry()
    {
        using var temp = new TempFolder();
        var store = temp.Combine("store");
        var archive = WriteRandomFile(temp, "big.bin", 4_000_000);
        var expected = File.ReadAllBytes(archive);

        var save = Task.Run(() => new LocalBackend(store).SaveAsync("k", Gzip, archive, Cancel), Cancel);
        var reads = 0;
        while (!save.IsCompleted && reads < 10_000)
        {
            reads++;
            var output = temp.Combine($"read-{reads}");
            try
            {
                await new LocalBackend(store).RestoreAsync("k", [], Gzip, output, Cancel);
                CollectionAssert.AreEqual(expected, File.ReadAllBytes(output), "a reader saw a partial entry");
            }
            catch (CacheNotFoundException)
            {
            }
        }

        await save;
    }

    [TestMethod]
    public async Task RestoreFallsBackToRestoreKeysInOrderNewestFirst()
    {
        using var temp = new TempFolder();
        var backend = new LocalBackend(temp.Combine("store"), new SteppingTimeProvider());
        var older = WriteRandomFile(temp, "older", 10);
        var newer = WriteRandomFile(temp, "newer", 20);
        var other = WriteRandomFile(temp, "other", 30);
        await backend.SaveAsync("deps-linux-aaa", Gzip, older, Cancel);
        await backend.SaveAsync("deps-linux-bbb", Gzip, newer, Cancel);
        await backend.SaveAsync("deps-windows-ccc", Gzip, other, Cancel);

        var newest = await backend.RestoreAsync("deps-linux-zzz", ["deps-linux-", "deps-"], Gzip, temp.Combine("o1"), Cancel);
        var firstKeyWins = await backend.RestoreAsync("nope", ["deps-windows-", "deps-linux-"], Gzip, temp.Combine("o2"), Cancel);
        var broader = await backend.RestoreAsync("nope", ["missing-", "deps-"], Gzip, temp.Combine("o3"), Cancel);

        Assert.AreEqual("deps-linux-bbb", newest.MatchedKey);
        CollectionAssert.AreEqual(File.ReadAllBytes(newer), File.ReadAllBytes(temp.Combine("o1")));
        Assert.AreEqual("deps-windows-ccc", firstKeyWins.MatchedKey, "restore keys are tried in the order given");
        Assert.AreEqual("deps-windows-ccc", broader.MatchedKey, "within one prefix the newest entry wins");
    }

    [TestMethod]
    public async Task RestoreExactKeyWinsOverNewerPrefixMatches()
    {
        using var temp = new TempFolder();
        var backend = new LocalBackend(temp.Combine("store"), new SteppingTimeProvider());
        await backend.SaveAsync("deps-1", Gzip, WriteRandomFile(temp, "a", 1), Cancel);
        await backend.SaveAsync("deps-2", Gzip, WriteRandomFile(temp, "b", 2), Cancel);

        var match = await backend.RestoreAsync("deps-1", ["deps-"], Gzip, temp.Combine("o"), Cancel);

        Assert.AreEqual("deps-1", match.MatchedKey);
    }

    [TestMethod]
    public async Task RestoreNothingMatchesThrowsNotFound()
    {
        using var temp = new TempFolder();
        var backend = new LocalBackend(temp.Combine("store"));
        await backend.SaveAsync("abc", Gzip, WriteRandomFile(temp, "a", 5), Cancel);

        await Assert.ThrowsExactlyAsync<CacheNotFoundException>(() => backend.RestoreAsync("xyz", ["x"], Gzip, temp.Combine("o"), Cancel));
        Assert.IsFalse(File.Exists(temp.Combine("o")));
    }

    [TestMethod]
    public async Task VersionsAreSeparateNamespaces()
    {
        using var temp = new TempFolder();
        var backend = new LocalBackend(temp.Combine("store"));
        var gz = WriteRandomFile(temp, "gz", 10);
        var zst = WriteRandomFile(temp, "zst", 20);

        await backend.SaveAsync("k", Gzip, gz, Cancel);
        await backend.SaveAsync("k", Zstd, zst, Cancel);

        Assert.AreEqual(10, (await backend.RestoreAsync("k", [], Gzip, temp.Combine("o1"), Cancel)).Size);
        Assert.AreEqual(20, (await backend.RestoreAsync("k", [], Zstd, temp.Combine("o2"), Cancel)).Size);
        await Assert.ThrowsExactlyAsync<CacheNotFoundException>(() => backend.RestoreAsync("k", [], "v-other", temp.Combine("o3"), Cancel));
    }

    [TestMethod]
    public async Task ListFiltersByPrefixNewestFirstWithSizeAndCreationTime()
    {
        using var temp = new TempFolder();
        var backend = new LocalBackend(temp.Combine("store"), new SteppingTimeProvider());
        await backend.SaveAsync("a-1", Gzip, WriteRandomFile(temp, "1", 11), Cancel);
        await backend.SaveAsync("b-1", Gzip, WriteRandomFile(temp, "2", 22), Cancel);
        await backend.SaveAsync("a-2", Zstd, WriteRandomFile(temp, "3", 33), Cancel);

        var all = await backend.ListAsync(new CacheListOptions(), Cancel);
        var onlyA = await backend.ListAsync(new CacheListOptions { KeyPrefix = "a-" }, Cancel);

        CollectionAssert.AreEqual(new[] { "a-2", "b-1", "a-1" }, all.Select(e => e.Key).ToArray());
        CollectionAssert.AreEqual(new[] { "a-2", "a-1" }, onlyA.Select(e => e.Key).ToArray());
        CollectionAssert.AreEqual(new long[] { 33, 11 }, onlyA.Select(e => e.Size).ToArray());
        Assert.IsTrue(onlyA[0].CreatedAt > onlyA[1].CreatedAt);
        Assert.AreEqual(Zstd, onlyA[0].Version);
    }

    [TestMethod]
    public async Task ListOfAStoreThatDoesNotExistIsEmpty()
    {
        using var temp = new TempFolder();

        Assert.HasCount(0, await new LocalBackend(temp.Combine("none")).ListAsync(new CacheListOptions(), Cancel));
    }

    [TestMethod]
    public async Task DeleteRemovesEveryVersionAndIsIdempotent()
    {
        using var temp = new TempFolder();
        var backend = new LocalBackend(temp.Combine("store"));
        await backend.SaveAsync("k", Gzip, WriteRandomFile(temp, "1", 1), Cancel);
        await backend.SaveAsync("k", Zstd, WriteRandomFile(temp, "2", 2), Cancel);
        await backend.SaveAsync("keep", Gzip, WriteRandomFile(temp, "3", 3), Cancel);

        await backend.DeleteAsync("k", Cancel);
        await backend.DeleteAsync("k", Cancel);
        await backend.DeleteAsync("never-existed", Cancel);

        CollectionAssert.AreEqual(new[] { "keep" }, (await backend.ListAsync(new CacheListOptions(), Cancel)).Select(e => e.Key).ToArray());
        await Assert.ThrowsExactlyAsync<CacheNotFoundException>(() => backend.RestoreAsync("k", [], Gzip, temp.Combine("o"), Cancel));
        await backend.SaveAsync("k", Gzip, WriteRandomFile(temp, "4", 4), Cancel);
    }

    [TestMethod]
    public async Task KeysWithPathCharactersAndMaximumLengthAreStored()
    {
        using var temp = new TempFolder();
        var backend = new LocalBackend(temp.Combine("store"));
        var key = "a/b\\c:d*?\"<>|" + new string('x', 499);

        await backend.SaveAsync(key, Gzip, WriteRandomFile(temp, "1", 7), Cancel);

        Assert.AreEqual(key, (await backend.RestoreAsync(key, [], Gzip, temp.Combine("o"), Cancel)).MatchedKey);
    }

    private static string WriteRandomFile(TempFolder temp, string name, int size)
    {
        var path = temp.Combine("archives", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(size));
        return path;
    }
}
