using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.GitHub.Repository;
using Atmos.Cache.Configuration;
using Atmos.Cache.Testing;

namespace Atmos.Cache.GitHub.Tests;

/// <summary>Owner and repository from options, GITHUB_REPOSITORY, or the clone's origin remote.</summary>
[TestClass]
public sealed class RepositoryResolutionTests
{
    [TestMethod]
    [DataRow("https://github.com/cloudposse/atmos.git")]
    [DataRow("https://github.com/cloudposse/atmos")]
    [DataRow("https://x-access-token:abc@github.com/cloudposse/atmos.git")]
    [DataRow("http://github.com/cloudposse/atmos/")]
    [DataRow("ssh://git@github.com/cloudposse/atmos.git")]
    [DataRow("ssh://git@github.com:22/cloudposse/atmos.git")]
    [DataRow("git@github.com:cloudposse/atmos.git")]
    [DataRow("github.com:cloudposse/atmos")]
    [DataRow("git://github.com/cloudposse/atmos.git")]
    public void RemoteUrlsOfEveryFormParse(string remote)
    {
        var parsed = GitRemoteUrl.Parse(remote);

        Assert.IsNotNull(parsed);
        Assert.AreEqual("github.com", parsed.Value.Host);
        Assert.AreEqual(new GitHubRepository("cloudposse", "atmos"), parsed.Value.Repository);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("/srv/git/atmos.git")]
    [DataRow("../relative/repo")]
    [DataRow("https://github.com/only-owner")]
    [DataRow("https://github.com/a/b/c")]
    [DataRow("file:///srv/git/a/b.git")]
    public void OtherRemotesDoNotParse(string remote) => Assert.IsNull(GitRemoteUrl.Parse(remote));

    [TestMethod]
    public void GitConfigUrlIsReadFromTheOriginSectionOnly()
    {
        string[] config =
        [
            "[core]",
            "\tbare = false",
            "[remote \"upstream\"]",
            "\turl = https://github.com/upstream/project.git",
            "[remote \"origin\"]",
            "\tfetch = +refs/heads/*:refs/remotes/origin/*",
            "\tURL = \"git@github.com:me/project.git\" ; my fork",
        ];

        Assert.AreEqual("git@github.com:me/project.git", GitConfigReader.ReadRemoteUrl(config, "origin"));
        Assert.AreEqual("https://github.com/upstream/project.git", GitConfigReader.ReadRemoteUrl(config, "upstream"));
        Assert.IsNull(GitConfigReader.ReadRemoteUrl(config, "missing"));
    }

    [TestMethod]
    public void TheOriginOfTheCloneAboveTheWorkingFolderIsUsed()
    {
        using var temp = new TempFolder();
        WriteGitConfig(Path.Combine(temp.Path, ".git"), "git@github.com:octo/widgets.git");
        var project = Directory.CreateDirectory(Path.Combine(temp.Path, "src", "app")).FullName;

        var settings = GitHubBackendSettings.FromEnvironment(Environment(), project);

        Assert.AreEqual("octo", settings.Owner);
        Assert.AreEqual("widgets", settings.Repo);
    }

    [TestMethod]
    public void AWorktreeReadsTheSharedConfigThroughItsGitFile()
    {
        using var temp = new TempFolder();
        var main = Path.Combine(temp.Path, "main");
        WriteGitConfig(Path.Combine(main, ".git"), "https://github.com/octo/gadgets.git");
        var worktreeGitDir = Directory.CreateDirectory(Path.Combine(main, ".git", "worktrees", "feature")).FullName;
        File.WriteAllText(Path.Combine(worktreeGitDir, "commondir"), "../..\n");
        var worktree = Directory.CreateDirectory(Path.Combine(temp.Path, "feature")).FullName;
        File.WriteAllText(Path.Combine(worktree, ".git"), $"gitdir: {worktreeGitDir}\n");

        var settings = GitHubBackendSettings.FromEnvironment(Environment(), worktree);

        Assert.AreEqual("octo", settings.Owner);
        Assert.AreEqual("gadgets", settings.Repo);
    }

    [TestMethod]
    public void GithubRepositoryWinsOverTheRemote()
    {
        using var temp = new TempFolder();
        WriteGitConfig(Path.Combine(temp.Path, ".git"), "https://github.com/from/remote.git");

        var fromVariable = GitHubBackendSettings.FromEnvironment(Environment(("GITHUB_REPOSITORY", "from/variable")), temp.Path);

        Assert.AreEqual("from/variable", $"{fromVariable.Owner}/{fromVariable.Repo}");
    }

    [TestMethod]
    public void ARemoteOnAnotherHostCountsOnlyWhenItIsTheConfiguredServer()
    {
        using var temp = new TempFolder();
        WriteGitConfig(Path.Combine(temp.Path, ".git"), "https://git.example.com/team/tool.git");

        var plain = GitHubBackendSettings.FromEnvironment(Environment(), temp.Path);
        var enterprise = GitHubBackendSettings.FromEnvironment(Environment(("GITHUB_SERVER_URL", "https://git.example.com")), temp.Path);

        Assert.IsNull(plain.Owner);
        Assert.AreEqual("team/tool", $"{enterprise.Owner}/{enterprise.Repo}");
    }

    [TestMethod]
    public void TokensAndUrlsComeFromTheEnvironmentInPrecedenceOrder()
    {
        var settings = GitHubBackendSettings.FromEnvironment(
            Environment(("ATMOS_GITHUB_TOKEN", "atmos"), ("GITHUB_TOKEN", "github"), ("GITHUB_API_URL", "https://ghe.example.com/api/v3"),
                ("ACTIONS_RUNTIME_TOKEN", "runtime"), ("ACTIONS_RESULTS_URL", "https://results.example.com/")),
            workingDirectory: null);

        Assert.AreEqual("atmos", settings.RestToken);
        Assert.AreEqual("https://ghe.example.com/api/v3", settings.ApiUrl);
        Assert.AreEqual("runtime", settings.RuntimeToken);
        Assert.AreEqual("https://results.example.com/", settings.ResultsUrl);
        Assert.AreEqual("https://api.github.com", GitHubBackendSettings.FromEnvironment(Environment(), null).ApiUrl);
    }

    private static DictionaryEnvironment Environment(params (string Name, string Value)[] variables) =>
        new(variables.ToDictionary(variable => variable.Name, variable => variable.Value));

    private static void WriteGitConfig(string gitFolder, string originUrl)
    {
        Directory.CreateDirectory(gitFolder);
        File.WriteAllText(Path.Combine(gitFolder, "config"), $"[core]\n\trepositoryformatversion = 0\n[remote \"origin\"]\n\turl = {originUrl}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n");
    }
}
