using System.Text.Json;
using Atmos.Cache.Build.Tests.Support;

namespace Atmos.Cache.Build.Tests.EndToEnd.Sdk;

/// <summary>
/// Several caches in one SDK-form build: the Atmos root (configured by <c>ATMOS_CI_CACHE_ROOT</c>), the
/// NuGet packages folder and a user cache declared as an <c>AtmosCache</c> item, each with a store of
/// its own beside its root (no shared local directory). Every run is a new CI machine: the roots are
/// emptied, the stores kept.
/// </summary>
[TestClass]
public sealed class SdkCachesTests
{
    private const string ToolsItem = """<AtmosCache Include="tools" Root="$(MSBuildThisFileDirectory)machine/tools" Key="tools-{{ hashFiles &quot;tools.lock&quot; }}" RestoreKeys="tools-" />""";

    [TestMethod]
    public async Task EachCacheIsRestoredAndSavedOnceWithItsLineAndOneFailingLeavesTheOthersWorking()
    {
        using var solution = await SdkSolution.CreateAsync(extraItems: ToolsItem);
        solution.Write("tools.lock", "chrome 131\n");
        var machine = new Machine(solution);

        // Run A: every cache misses and saves once.
        machine.NewMachine();
        solution.Write("machine/atmos/toolchain/bin/terraform.txt", "terraform 1.9");
        solution.Write("machine/tools/browsers/chrome.txt", "chrome 131");
        var first = await machine.BuildAsync("a");
        first.AssertSucceeded("run A");
        foreach (var cache in Machine.Caches)
        {
            Assert.AreEqual(1, first.Count($"Atmos cache [{cache}]: miss for '"), $"{cache} misses once:\n{first.Tail()}");
            Assert.AreEqual(1, first.Count($"Atmos cache [{cache}]: saved '"), $"{cache} is saved once:\n{first.Tail()}");
        }

        // Run B: every cache is an exact hit, and its content is back.
        machine.NewMachine();
        var second = await machine.BuildAsync("b");
        second.AssertSucceeded("run B");
        foreach (var cache in Machine.Caches)
        {
            Assert.AreEqual(1, second.Lines.Count(l => l.Contains($"Atmos cache [{cache}]: restored '", StringComparison.Ordinal) && l.Contains("(exact hit)", StringComparison.Ordinal)), $"{cache} is an exact hit:\n{second.Tail()}");
            Assert.AreEqual(0, second.Count($"Atmos cache [{cache}]: saved '"), $"{cache} is not saved again:\n{second.Tail()}");
        }

        Assert.AreEqual("terraform 1.9", File.ReadAllText(solution.Combine("machine/atmos/toolchain/bin/terraform.txt")));
        Assert.AreEqual("chrome 131", File.ReadAllText(solution.Combine("machine/tools/browsers/chrome.txt")));

        // Run C: the tools cache's store cannot be read (a folder where its archive was); the other two still restore.
        machine.NewMachine();
        var archive = Directory.EnumerateFiles(solution.Combine("machine/tools-ci-cache"), "archive", SearchOption.AllDirectories).Single();
        File.Delete(archive);
        Directory.CreateDirectory(archive);
        var broken = await machine.BuildAsync("c");
        broken.AssertSucceeded("run C: a failing cache never fails the build");
        Assert.IsTrue(broken.Lines.Any(l => l.Contains("warning ATMOSCACHE", StringComparison.Ordinal) && l.Contains("Atmos cache [tools]: restore failed", StringComparison.Ordinal)), broken.Tail());
        foreach (var cache in new[] { "atmos", "nuget" })
        {
            Assert.AreEqual(1, broken.Lines.Count(l => l.Contains($"Atmos cache [{cache}]: restored '", StringComparison.Ordinal) && l.Contains("(exact hit)", StringComparison.Ordinal)), $"{cache} still restores:\n{broken.Tail()}");
        }

        Assert.AreEqual("terraform 1.9", File.ReadAllText(solution.Combine("machine/atmos/toolchain/bin/terraform.txt")));
    }

    [TestMethod]
    public async Task AfterAPackageVersionBumpTheNewEntryHoldsTheNewVersionAndNotTheOld()
    {
        using var solution = await SdkSolution.CreateAsync();
        solution.AddLocalPackage("Atmos.E2E.Bump", "1.0.0");
        solution.AddLocalPackage("Atmos.E2E.Bump", "2.0.0");
        var core = File.ReadAllText(solution.Combine("src/Core/Core.csproj"));
        solution.Write("src/Core/Core.csproj", core.Replace("</ItemGroup>", "<PackageReference Include=\"Atmos.E2E.Bump\" Version=\"1.0.0\" /></ItemGroup>", StringComparison.Ordinal));
        var machine = new Machine(solution);

        machine.NewMachine();
        var before = await machine.BuildAsync("old");
        before.AssertSucceeded("build with 1.0.0");
        Assert.AreEqual(1, before.Count("Atmos cache [nuget]: saved '"), before.Tail());

        solution.Write("src/Core/Core.csproj", core.Replace("</ItemGroup>", "<PackageReference Include=\"Atmos.E2E.Bump\" Version=\"2.0.0\" /></ItemGroup>", StringComparison.Ordinal));
        machine.NewMachine();
        var after = await machine.BuildAsync("new");
        after.AssertSucceeded("build with 2.0.0");
        var prefixHit = after.Lines.Single(l => l.Contains("Atmos cache [nuget]: restored '", StringComparison.Ordinal));
        StringAssert.Contains(prefixHit, "(prefix hit)");
        var saved = after.Lines.Single(l => l.Contains("Atmos cache [nuget]: saved '", StringComparison.Ordinal));
        StringAssert.Contains(saved, "left out, not used by this build", "the old version is not carried into the new entry");

        var newKey = saved[(saved.IndexOf("saved '", StringComparison.Ordinal) + 7)..];
        newKey = newKey[..newKey.IndexOf('\'', StringComparison.Ordinal)];
        var entries = CacheLocation.Entries(machine.ArchiveOf(newKey));
        Assert.IsTrue(entries.Any(e => e.StartsWith("atmos.e2e.bump/2.0.0/", StringComparison.Ordinal)), string.Join("\n", entries));
        Assert.IsFalse(entries.Any(e => e.StartsWith("atmos.e2e.bump/1.0.0", StringComparison.Ordinal)), string.Join("\n", entries));
        CollectionAssert.Contains(entries.ToList(), "atmos.e2e.bump/2.0.0/.nupkg.metadata");
        CollectionAssert.DoesNotContain(entries.ToList(), "atmos.e2e.bump/2.0.0/atmos.e2e.bump.2.0.0.nupkg", "NuGet needs only the extracted files");
        Assert.IsTrue(entries.Any(e => e.StartsWith("yamldotnet/", StringComparison.Ordinal)), "the packages still used stay");
        Assert.IsFalse(entries.Any(e => e.StartsWith("atmos.cache.build/", StringComparison.Ordinal)), "the package's own SDK folder is never archived");
    }

    /// <summary>One CI machine at fixed paths (as runners have): its roots are emptied for every run; the stores beside them stay.</summary>
    private sealed class Machine(SdkSolution solution)
    {
        public static readonly string[] Caches = ["atmos", "nuget", "tools"];

        private string Folder(string name) => solution.Combine("machine", name);

        public void NewMachine()
        {
            foreach (var cache in Caches)
            {
                if (Directory.Exists(Folder(cache)))
                {
                    Directory.Delete(Folder(cache), recursive: true);
                }
            }

            solution.Clean();
        }

        public Task<CommandResult> BuildAsync(string run) =>
            solution.DotNetAsync(solution.NewRun(run), new Dictionary<string, string>
            {
                ["NUGET_PACKAGES"] = Folder("nuget"),
                ["ATMOS_CI_CACHE_ROOT"] = Folder("atmos"),
                // Each cache keeps its default store, a sibling of its root.
                ["ATMOS_CI_CACHE_LOCAL_DIR"] = "",
            }, "build", "All.slnx");

        /// <summary>The archive of <paramref name="key"/> in the NuGet cache's store.</summary>
        public string ArchiveOf(string key)
        {
            foreach (var metadata in Directory.EnumerateFiles(Folder("nuget") + "-ci-cache", "entry.json", SearchOption.AllDirectories))
            {
                using var document = JsonDocument.Parse(File.ReadAllText(metadata));
                if (document.RootElement.TryGetProperty("Key", out var stored) && stored.GetString() == key)
                {
                    return Path.Combine(Path.GetDirectoryName(metadata)!, "archive");
                }
            }

            throw new AssertFailedException($"no entry '{key}' in the NuGet cache's store");
        }
    }
}
