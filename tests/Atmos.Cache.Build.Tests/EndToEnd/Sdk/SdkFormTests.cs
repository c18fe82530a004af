using System.Text.RegularExpressions;
using Atmos.Cache.Build.Tests.Support;

namespace Atmos.Cache.Build.Tests.EndToEnd.Sdk;

/// <summary>
/// The SDK form on a solution of four projects in folders with real NuGet packages, through the
/// <c>local</c> backend. Run 1 (a new machine, empty store) is a separate <c>dotnet restore</c> step and
/// <c>dotnet build --no-restore</c>: the restore misses before NuGet restore and NuGet downloads from the
/// feed; the build saves the NuGet cache once, at its end. Then the feed of the solution's packages is
/// taken away, and every entry point runs as a second CI run on a new machine (an empty NuGet folder
/// and HTTP cache): the NuGet cache is an exact hit before NuGet restore, and restore, build and tests
/// succeed from the restored folder alone.
/// </summary>
[TestClass]
public sealed partial class SdkFormTests
{
    private static SdkSolution _solution = null!;
    private static CommandResult _restoreStep = null!;
    private static CommandResult _buildStep = null!;
    private static RunFolders _firstRun = null!;

    [ClassInitialize]
    public static async Task FirstRunAsync(TestContext _)
    {
        _solution = await SdkSolution.CreateAsync();
        _firstRun = _solution.NewRun("first");
        _restoreStep = await _solution.DotNetAsync(_firstRun, "restore", "All.slnx");
        _buildStep = await _solution.DotNetAsync(_firstRun, "build", "All.slnx", "--no-restore");
        _solution.TakeAwaySolutionFeed();
    }

    [ClassCleanup]
    public static void Cleanup() => _solution.Dispose();

    [TestMethod]
    public void FirstRunMissesBeforeNuGetRestoreAndSavesOnceAtTheEndOfTheBuild()
    {
        _restoreStep.AssertSucceeded("dotnet restore (run 1)");
        var miss = _restoreStep.IndexOf(l => NuGetLine(l, "miss for 'nuget-"));
        Assert.IsTrue(miss >= 0, _restoreStep.Tail());
        Assert.IsTrue(miss < FirstNuGetRestoreLine(_restoreStep), "the cache restores before NuGet restores a project:\n" + _restoreStep.Tail());
        Assert.AreEqual(0, _restoreStep.Lines.Count(l => NuGetLine(l, "saved '")), "a restore step saves nothing: " + _restoreStep.Tail());
        Assert.IsTrue(Directory.EnumerateFiles(_firstRun.NuGetPackages, "*.nupkg", SearchOption.AllDirectories).Any(), "NuGet downloaded the packages");

        _buildStep.AssertSucceeded("dotnet build --no-restore (run 1)");
        Assert.AreEqual(1, _buildStep.Lines.Count(l => NuGetLine(l, "saved 'nuget-")), _buildStep.Tail());
        Assert.AreEqual(0, _buildStep.Lines.Count(l => l.Contains("Atmos cache [atmos]", StringComparison.Ordinal)), "the Atmos cache is not used in the SDK form unless configured: " + _buildStep.Tail());
        Assert.AreEqual(1, Directory.EnumerateFiles(_firstRun.Store, "archive", SearchOption.AllDirectories).Count(), "one entry in the store");
    }

    [TestMethod]
    [DataRow("build-slnx-m", "build All.slnx -m")]
    [DataRow("build-sln-m1", "build All.sln -m:1")]
    [DataRow("build-project", "build src/App/App.csproj")]
    [DataRow("build-slnf-m1", "build Tests.slnf -m:1")]
    [DataRow("test-slnx", "test All.slnx")]
    [DataRow("publish-project", "publish src/App/App.csproj")]
    [DataRow("pack-sln", "pack All.sln")]
    [DataRow("msbuild-restore-slnf", "msbuild -restore Tests.slnf")]
    [DataRow("restore-then-build", "restore All.slnx|build All.slnx --no-restore -m:1")]
    public async Task SecondRunRestoresThePackagesBeforeNuGetRestoreWithoutTheirFeed(string name, string commands)
    {
        _solution.Clean();
        var run = _solution.NewRun(name);
        var steps = new List<CommandResult>();
        foreach (var command in commands.Split('|'))
        {
            var step = await _solution.DotNetAsync(run, command.Split(' '));
            step.AssertSucceeded($"{name}: dotnet {command}");
            steps.Add(step);
        }

        var first = steps[0];
        var hit = first.IndexOf(l => NuGetLine(l, "restored 'nuget-") && l.Contains("(exact hit)", StringComparison.Ordinal));
        Assert.IsTrue(hit >= 0, $"{name}: an exact hit of the NuGet cache:\n{first.Tail()}");
        Assert.IsTrue(hit < FirstNuGetRestoreLine(first), $"{name}: the exact hit comes before NuGet restores a project:\n{first.Tail()}");
        Assert.IsTrue(SummaryFormat().IsMatch(first.Lines[hit].Trim()), $"{name}: the summary line names the cache, its root, content and archive sizes: {first.Lines[hit]}");
        Assert.AreEqual(1, steps.Sum(s => s.Lines.Count(l => NuGetLine(l, "restored 'nuget-"))), $"{name}: restored once");
        Assert.AreEqual(0, steps.Sum(s => s.Lines.Count(l => NuGetLine(l, "saved '"))), $"{name}: an exact hit is not saved again");
        Assert.IsFalse(Directory.Exists(run.HttpCache) && Directory.EnumerateFiles(run.HttpCache, "*", SearchOption.AllDirectories).Any(), $"{name}: NuGet fetched nothing");
        if (commands.StartsWith("test", StringComparison.Ordinal))
        {
            Assert.IsTrue(first.Lines.Any(l => l.Contains("Passed!", StringComparison.Ordinal) || l.Contains("passed:", StringComparison.OrdinalIgnoreCase)), $"{name}: the tests ran and passed:\n{first.Tail()}");
        }
    }

    /// <summary>NuGet's "Restored &lt;project&gt;" line, or the end of the output when NuGet had nothing to do.</summary>
    private static int FirstNuGetRestoreLine(CommandResult result)
    {
        var index = result.IndexOf(l => l.TrimStart().StartsWith("Restored ", StringComparison.Ordinal) || l.Contains("All projects are up-to-date for restore", StringComparison.Ordinal));
        return index < 0 ? int.MaxValue : index;
    }

    private static bool NuGetLine(string line, string what) =>
        line.Contains("Atmos cache [nuget]: " + what, StringComparison.Ordinal);

    [GeneratedRegex(@"^Atmos cache \[nuget\]: restored 'nuget-(linux|osx|win)-[a-z0-9]+-[0-9a-f]{16}' \(exact hit\) into \S.*: [0-9.]+ (B|KiB|MiB|GiB) in [0-9,]+ files? from a [0-9.]+ (B|KiB|MiB|GiB) archive, [0-9.]+ s$")]
    private static partial Regex SummaryFormat();
}
