using Atmos.Cache.Testing;
using YamlDotNet.RepresentationModel;

namespace Atmos.Cache.Tests.Platform;

/// <summary>
/// The GitHub Actions workflow has the jobs docs/platforms.md promises: the README's test command on
/// the three runner OSes, the two-run sample through the workflow's own cache on each, and restores
/// on another OS of what those saved. (Its schema is checked by eng/validate-workflows.sh.)
/// </summary>
[TestClass]
public sealed class WorkflowTests
{
    private static readonly string[] RunnerOses = ["ubuntu-latest", "windows-latest", "macos-latest"];

    private static YamlMappingNode Jobs()
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(RepositoryRoot.Combine(".github", "workflows", "ci.yml")))
        {
            yaml.Load(reader);
        }

        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["jobs"];
    }

    private static IEnumerable<string> Runs(YamlMappingNode job) =>
        ((YamlSequenceNode)job["steps"]).Cast<YamlMappingNode>()
            .Where(static step => step.Children.ContainsKey("run"))
            .Select(static step => step["run"].ToString().Trim());

    private static List<string> Oses(YamlMappingNode job) =>
        ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)job["strategy"])["matrix"])["os"]).Select(static n => n.ToString()).ToList();

    [TestMethod]
    public void TheJobsAreTheTestsTheSampleAndTheCrossOsRestores() =>
        CollectionAssert.AreEquivalent(new[] { "test", "sample", "sample-restore" }, Jobs().Children.Keys.Select(static k => k.ToString()).ToList());

    [TestMethod]
    public void EveryOsRunsTheReadmeTestCommand()
    {
        var test = (YamlMappingNode)Jobs()["test"];
        CollectionAssert.AreEquivalent(RunnerOses, Oses(test));
        CollectionAssert.Contains(Runs(test).ToList(), "dotnet test Atmos.Cache.Build.sln -c Release");
        StringAssert.Contains(File.ReadAllText(RepositoryRoot.Combine("README.md")), "`dotnet test Atmos.Cache.Build.sln`");
    }

    [TestMethod]
    public void EveryOsRunsTheSampleThroughTheWorkflowsOwnCache()
    {
        var sample = (YamlMappingNode)Jobs()["sample"];
        CollectionAssert.AreEquivalent(RunnerOses, Oses(sample));
        CollectionAssert.Contains(Runs(sample).ToList(), "bash samples/run.sh");
        var text = sample.ToString();
        StringAssert.Contains(text, "github/actions");
        StringAssert.Contains(text, "ACTIONS_RUNTIME_TOKEN");
    }

    [TestMethod]
    public void EachRestoreRunsOnAnotherOsThanTheSave()
    {
        var restore = (YamlMappingNode)Jobs()["sample-restore"];
        Assert.AreEqual("sample", restore["needs"].ToString());
        var include = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)restore["strategy"])["matrix"])["include"];
        var pairs = include.Cast<YamlMappingNode>().Select(static row => (Os: row["os"].ToString(), SavedOn: row["saved-on"].ToString())).ToList();
        CollectionAssert.AreEquivalent(RunnerOses, pairs.Select(static p => p.Os).ToList(), "one restore on each OS");
        var runnerOs = new Dictionary<string, string> { ["ubuntu-latest"] = "Linux", ["windows-latest"] = "Windows", ["macos-latest"] = "macOS" };
        foreach (var (os, savedOn) in pairs)
        {
            Assert.AreNotEqual(runnerOs[os], savedOn, os);
            CollectionAssert.Contains(runnerOs.Values.ToList(), savedOn, "the saving job's runner.os");
        }
    }
}
