using System.Diagnostics;
using System.Text.Json;
using Atmos.Cache.Backends;
using Atmos.Cache.Backends.Local;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Operations;

/// <summary>Two real processes restoring and saving one root at the same moment.</summary>
[TestClass]
public sealed class ConcurrentProcessTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task TwoProcessesOnOneRootRestoreOnceAndSaveOnce()
    {
        using var temp = new TempFolder();
        var root = temp.Combine("root");
        var store = temp.Combine("store");
        var go = temp.Combine("go");
        var processes = Enumerable.Range(0, 2).Select(_ => Start(root, store, "shared-key", go)).ToList();

        await File.WriteAllTextAsync(go, "", TestContext.CancellationToken);
        var results = await Task.WhenAll(processes.Select(p => Finish(p, TestContext.CancellationToken)));

        Assert.AreEqual(1, results.Count(r => !r.GetProperty("restoreSkipped").GetBoolean()), "exactly one process restores");
        Assert.AreEqual(1, results.Count(r => r.GetProperty("restoreSkipped").GetBoolean()), "the other waits and reuses the result");
        Assert.AreEqual(1, results.Count(r => r.GetProperty("saved").GetBoolean() && !r.GetProperty("saveSkipped").GetBoolean()), "exactly one process uploads");
        Assert.AreEqual(1, results.Count(r => r.GetProperty("saveReason").GetString() == "already saved this lifecycle"));
        var entries = await new LocalBackend(store).ListAsync(new CacheListOptions(), TestContext.CancellationToken);
        Assert.HasCount(1, entries);
    }

    private static Process Start(string root, string store, string key, string go)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Atmos.Cache.ProcessHost.dll");
        // The dotnet that runs these tests, so the host runs on the same runtime (8 or 10).
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var info = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { host, root, store, key, go })
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }

    private static async Task<JsonElement> Finish(Process process, CancellationToken cancellationToken)
    {
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
        Assert.AreEqual(0, process.ExitCode, await error);
        return JsonDocument.Parse((await output).Trim()).RootElement.Clone();
    }
}
