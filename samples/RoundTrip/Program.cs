using Atmos.Cache.Backends.Local;
using Atmos.Cache.Configuration;
using Atmos.Cache.Operations;
using RoundTrip;

// Run 1: the root starts empty, restore misses, a small toolchain-like tree is written and saved.
// Run 2: the root starts empty again (a fresh CI machine), restore is an exact hit, the restored
// tree is compared with what run 1 saved, and the save is skipped.
var demo = Path.GetFullPath(args.Length > 0 ? args[0] : ".atmos-roundtrip");
var root = Path.Combine(demo, "root");
var savedListing = Path.Combine(demo, "saved-tree.txt");
if (Directory.Exists(root))
{
    Directory.Delete(root, recursive: true);
}

var config = new CacheConfig
{
    Root = root,
    Key = "atmos-cache-roundtrip-v1",
    RestoreKeys = ["atmos-cache-roundtrip-"],
    LocalDirectory = Path.Combine(demo, "store"),
    WorkingDirectory = demo,
    Backend = BackendNames.Local,
};
var manager = new CacheManager(new LocalBackend(config.LocalDirectory), config);

var restore = await manager.RestoreAsync();
Console.WriteLine(restore.Hit
    ? $"restore: {(restore.Exact ? "exact" : "prefix")} hit '{restore.MatchedKey}' ({restore.ArchiveBytes:N0} bytes, {restore.Entries} entries, {restore.Elapsed.TotalMilliseconds:F0} ms)"
    : $"restore: miss for '{config.Key}'");

if (!restore.Hit)
{
    DemoTree.Write(root);
    await File.WriteAllLinesAsync(savedListing, DemoTree.List(root));
}
else
{
    var expected = await File.ReadAllLinesAsync(savedListing);
    var actual = DemoTree.List(root);
    if (!expected.SequenceEqual(actual))
    {
        Console.WriteLine("restored tree DIFFERS from the saved one:");
        foreach (var line in expected.Except(actual))
        {
            Console.WriteLine($"  - {line}");
        }

        foreach (var line in actual.Except(expected))
        {
            Console.WriteLine($"  + {line}");
        }

        return 1;
    }

    Console.WriteLine($"restored tree is identical to the saved one ({actual.Count} entries: content, permission bits, modification times, symlinks)");
}

var save = await manager.SaveAsync();
Console.WriteLine(save.Skipped
    ? $"save: skipped ({save.Reason})"
    : $"save: saved '{save.Key}' ({save.ArchiveBytes:N0} bytes, {save.Entries} entries, {save.Elapsed.TotalMilliseconds:F0} ms)");
return 0;
