using Atmos.Cache.Archiving;
using Atmos.Cache.Backends.Local;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Operations;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Operations;

/// <summary>
/// A stored entry damaged in any way ends in one of two outcomes: an identical restore (the damage
/// hit bytes no reader needs), or a refusal as a corrupt entry that removed it from the store, so the
/// same build saves it again. Never a refusal that keeps the entry, never a different tree.
/// </summary>
[TestClass]
public sealed class DamagedEntryTests
{
    private const string IdenticalRestore = "identical restore";
    private const string RefusedAndRemoved = "refused and removed";

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Cancel => TestContext.CancellationToken;

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public async Task EverySingleByteFlipAndTruncationRestoresIdenticallyOrIsRefusedAndRemoved(ArchiveCompression compression)
    {
        using var temp = new TempFolder();
        var sweep = await StoredSample.CreateAsync(temp, compression, Cancel);
        var outcomes = new Dictionary<string, int>();
        var wrong = new List<string>();
        for (var offset = 0; offset < sweep.Archive.Length; offset++)
        {
            var damaged = (byte[])sweep.Archive.Clone();
            damaged[offset] ^= 0xff;
            Count(await sweep.RestoreAsync(damaged, $"flip@{offset}", Cancel));
        }

        foreach (var length in new[] { 0, 1, 2, 10, sweep.Archive.Length / 10, sweep.Archive.Length / 2, sweep.Archive.Length * 8 / 10, sweep.Archive.Length - 30, sweep.Archive.Length - 1 })
        {
            Count(await sweep.RestoreAsync(sweep.Archive[..length], $"truncated to {length}", Cancel));
        }

        TestContext.WriteLine($"{compression}, {sweep.Archive.Length} bytes: " + string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}")));
        Assert.HasCount(0, wrong, string.Join("\n", wrong.Take(20)));
        Assert.IsTrue(outcomes.ContainsKey(RefusedAndRemoved), "the sweep reached refusals");

        void Count(string outcome)
        {
            if (outcome is IdenticalRestore or RefusedAndRemoved)
            {
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
            else
            {
                wrong.Add(outcome);
            }
        }
    }

    [TestMethod]
    public async Task EachKindOfDamageIsRefusedAsCorruptRemovedAndSavedAgainByTheSameManager()
    {
        foreach (var (kind, damage) in ArchiveDamage.Kinds)
        {
            using var temp = new TempFolder();
            var sweep = await StoredSample.CreateAsync(temp, ArchiveCompression.Gzip, Cancel);
            var root = sweep.PreparedRoot("heal-" + kind);
            var manager = sweep.Manager(root);
            await sweep.PlantAsync(damage(sweep.Archive), Cancel);

            var refused = await Assert.ThrowsExactlyAsync<CacheIntegrityException>(() => manager.RestoreAsync(Cancel), kind);
            var save = await manager.SaveAsync(Cancel);

            StringAssert.Contains(refused.Message, $"'{sweep.Key}' is corrupt", kind);
            StringAssert.Contains(refused.Message, "It was removed from the local store", kind);
            Assert.DoesNotContain("save the cache again", refused.Message, kind);
            Assert.IsTrue(save.Saved && !save.Skipped, $"{kind}: the same manager saves the key again ({save.Reason})");
            var again = sweep.Manager(sweep.PreparedRoot("after-" + kind));
            Assert.IsTrue((await again.RestoreAsync(Cancel)).Exact, $"{kind}: the next restore is an exact hit");
        }
    }

    /// <summary>One small saved tree and its stored archive; each case plants damaged bytes as that entry and restores them into a prepared root.</summary>
    private sealed class StoredSample
    {
        private readonly TempFolder _temp;
        private readonly CacheConfig _config;
        private readonly List<string> _expected;
        private readonly List<string> _prepared;
        private int _cases;

        private StoredSample(TempFolder temp, CacheConfig config, byte[] archive, List<string> expected, List<string> prepared)
        {
            _temp = temp;
            _config = config;
            Archive = archive;
            _expected = expected;
            _prepared = prepared;
        }

        public byte[] Archive { get; }

        public string Key => _config.Key;

        private string Version => CacheVersion.For(_config.Compression);

        public static async Task<StoredSample> CreateAsync(TempFolder temp, ArchiveCompression compression, CancellationToken cancel)
        {
            var config = TestConfigs.For(temp) with { Compression = compression };
            SampleTree.Write(config.Root, "bin/tool", "#!/bin/sh\necho hi\n", 0x1ED, new DateTime(2024, 3, 1, 12, 0, 0, DateTimeKind.Utc));
            SampleTree.Write(config.Root, "notes/" + new string('n', 120) + "/ü.txt", "a long and non-ASCII name", 0x1A4, new DateTime(2024, 3, 1, 12, 0, 0, DateTimeKind.Utc));
            await new CacheManager(new LocalBackend(config.LocalDirectory), config).SaveAsync(cancel);
            var stored = Directory.GetFiles(config.LocalDirectory, "archive", SearchOption.AllDirectories).Single();
            var archive = File.ReadAllBytes(stored);
            var sweep = new StoredSample(temp, config, archive, [], []);
            var reference = sweep.PreparedRoot("reference");
            sweep._prepared.AddRange(Content(reference));
            await sweep.Manager(reference).RestoreAsync(cancel);
            sweep._expected.AddRange(TreeListing.OfContent(reference));
            return sweep;
        }

        /// <summary>The root's listing without the state folder and without folder times (each prepared root's folders are new).</summary>
        private static List<string> Content(string root) =>
            [.. TreeListing.Of(root, withFolderTimes: false).Where(static line => !line.Contains(" .atmos-cache", StringComparison.Ordinal))];

        /// <summary>A root holding files of its own, as a machine with an older cache has.</summary>
        public string PreparedRoot(string name)
        {
            var root = _temp.Combine("roots", name);
            SampleTree.Write(root, "keep.txt", "mine", 0x1A4, new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            SampleTree.Write(root, "bin/tool", "older", 0x1A4, new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            return root;
        }

        public CacheManager Manager(string root) => new(new LocalBackend(_config.LocalDirectory), _config with { Root = root });

        /// <summary>Stores <paramref name="bytes"/> as the entry of the key (replacing what is there).</summary>
        public async Task PlantAsync(byte[] bytes, CancellationToken cancel)
        {
            var store = new LocalBackend(_config.LocalDirectory);
            await store.RemoveEntryAsync(Key, Version, cancel);
            var file = _temp.Combine("planted.archive");
            await File.WriteAllBytesAsync(file, bytes, cancel);
            await store.SaveAsync(Key, Version, file, cancel);
        }

        /// <summary>The outcome: <see cref="IdenticalRestore"/>, <see cref="RefusedAndRemoved"/>, or what went wrong.</summary>
        public async Task<string> RestoreAsync(byte[] damaged, string name, CancellationToken cancel)
        {
            await PlantAsync(damaged, cancel);
            var root = PreparedRoot($"case-{_cases++}");
            try
            {
                var result = await Manager(root).RestoreAsync(cancel);
                if (!result.Hit)
                {
                    return $"{name}: a miss although the entry is there";
                }

                var restored = TreeListing.OfContent(root);
                return restored.SequenceEqual(_expected) ? IdenticalRestore : $"{name}: restored a different tree";
            }
            catch (CacheIntegrityException e)
            {
                if (!Content(root).SequenceEqual(_prepared))
                {
                    return $"{name}: refused but the root changed";
                }

                var left = await new LocalBackend(_config.LocalDirectory).LookUpAsync(Key, [], Version, cancel);
                return left is null ? RefusedAndRemoved : $"{name}: refused but kept ({e.Message})";
            }
            catch (Exception e)
            {
                return $"{name}: refused as {e.GetType().Name} and kept: {e.Message}";
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
