using Atmos.Cache.Backends;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.GitHub.Tests;

/// <summary>Provider detection, and clear errors when the runner's variables are missing.</summary>
[TestClass]
public sealed class AvailabilityTests
{
    [TestMethod]
    public void AutoSelectsGithubActionsInsideGithubActions()
    {
        using var temp = new TempFolder();
        var config = Config(temp.Path, BackendNames.Auto);
        var environment = new DictionaryEnvironment(new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true" });

        var backend = BackendSelector.Select(config, environment, NullCacheLogger.Instance, out var reason);

        Assert.IsInstanceOfType<GitHubActionsBackend>(backend);
        Assert.AreEqual("github/actions", backend.Name);
        Assert.AreEqual("", reason);
    }

    [TestMethod]
    public void TheRegistryKnowsGithubActions()
    {
        CollectionAssert.Contains(BackendRegistry.GetRegisteredTypes().ToList(), GitHubActionsBackend.TypeName);
    }

    [TestMethod]
    [DataRow(GitHubEnvironment.RuntimeToken)]
    [DataRow(GitHubEnvironment.ResultsUrl)]
    public async Task SaveAndRestoreWithoutARuntimeVariableNameBothAndTheReadmeSection(string missing)
    {
        using var temp = new TempFolder();
        var variables = new Dictionary<string, string>
        {
            ["GITHUB_ACTIONS"] = "true",
            [GitHubEnvironment.RuntimeToken] = "some-runtime-token",
            [GitHubEnvironment.ResultsUrl] = "https://results.example.invalid/",
        };
        variables.Remove(missing);
        var backend = GitHubActionsBackend.Create(new BackendOptions { Config = Config(temp.Path, BackendNames.GitHubActions), Environment = new DictionaryEnvironment(variables) });
        var archive = temp.RandomFile("a", 10, seed: 1);

        var save = await Assert.ThrowsExactlyAsync<CacheUnavailableException>(() => backend.SaveAsync("k", "v", archive, CancellationToken.None));
        var restore = await Assert.ThrowsExactlyAsync<CacheUnavailableException>(() => backend.RestoreAsync("k", [], "v", temp.File("out"), CancellationToken.None));

        foreach (var message in new[] { save.Message, restore.Message })
        {
            StringAssert.Contains(message, "ACTIONS_RUNTIME_TOKEN");
            StringAssert.Contains(message, "ACTIONS_RESULTS_URL");
            StringAssert.Contains(message, $"\"{GitHubEnvironment.RuntimeTokenReadmeSection}\"");
        }

        Assert.IsFalse(save.Message.Contains("some-runtime-token", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task PlainHttpToARemoteHostIsRefusedBeforeAnyTokenIsSent()
    {
        using var temp = new TempFolder();
        var settings = new GitHubBackendSettings { RuntimeToken = "t0ken-value-123", ResultsUrl = "http://results.example.invalid/" };
        var backend = new GitHubActionsBackend(settings);

        var error = await Assert.ThrowsExactlyAsync<CacheConfigurationException>(() =>
            backend.RestoreAsync("k", [], "v", temp.File("out"), CancellationToken.None));

        StringAssert.Contains(error.Message, "https");
    }

    private static CacheConfig Config(string folder, string backend) => new()
    {
        Root = Path.Combine(folder, "root"),
        Key = "k",
        LocalDirectory = Path.Combine(folder, "store"),
        WorkingDirectory = folder,
        Backend = backend,
    };
}
