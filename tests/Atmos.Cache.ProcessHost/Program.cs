using System.Text.Json;
using Atmos.Cache.Backends.Local;
using Atmos.Cache.Configuration;
using Atmos.Cache.Operations;

// Usage: Atmos.Cache.ProcessHost <root> <store> <key> <go-file>
// Waits until <go-file> exists (so sibling processes start their work together), then restores,
// writes a file of its own into the root, saves, and prints both results as one JSON line.
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: Atmos.Cache.ProcessHost <root> <store> <key> <go-file>");
    return 2;
}

var (root, store, key, goFile) = (args[0], args[1], args[2], args[3]);
var config = new CacheConfig { Root = root, Key = key, LocalDirectory = store, WorkingDirectory = root, Backend = BackendNames.Local };
var manager = new CacheManager(new LocalBackend(store), config);

using (var watcher = new FileSystemWatcher(Path.GetDirectoryName(goFile)!, Path.GetFileName(goFile)) { EnableRaisingEvents = true })
{
    var created = new TaskCompletionSource();
    watcher.Created += (_, _) => created.TrySetResult();
    if (!File.Exists(goFile))
    {
        await created.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }
}

var restore = await manager.RestoreAsync();
Directory.CreateDirectory(root);
await File.WriteAllTextAsync(Path.Combine(root, $"written-by-{Environment.ProcessId}.txt"), "x");
var save = await manager.SaveAsync();
Console.WriteLine(JsonSerializer.Serialize(new
{
    restoreSkipped = restore.Skipped,
    restoreHit = restore.Hit,
    saveSkipped = save.Skipped,
    saved = save.Saved,
    saveReason = save.Reason,
}));
return 0;
