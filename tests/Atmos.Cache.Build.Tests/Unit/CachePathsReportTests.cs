using System.Text.Json;
using Atmos.Cache.Build.Output;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Root;

namespace Atmos.Cache.Build.Tests.Unit;

[TestClass]
public sealed class CachePathsReportTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "paths-root");

    private static CacheConfig Config(params string[] includes) => new()
    {
        Root = Root,
        Key = "atmos-k",
        RestoreKeys = ["atmos-"],
        Includes = includes,
        LocalDirectory = Root + "-store",
        WorkingDirectory = Path.GetTempPath(),
    };

    [TestMethod]
    public void WithoutIncludesThePathIsTheWholeRoot()
    {
        var report = CachePathsReport.From(Config());
        CollectionAssert.AreEqual(new[] { Root }, report.Paths.ToArray());
        CollectionAssert.AreEqual(CachePaths.AuthFolders.Select(f => Path.Combine(Root, f)).ToArray(), report.ExcludePaths.ToArray());
    }

    [TestMethod]
    public void IncludesAreResolvedAgainstTheRoot()
    {
        var report = CachePathsReport.From(Config("toolchain", "a/b"));
        CollectionAssert.AreEqual(new[] { Path.Combine(Root, "toolchain"), Path.Combine(Root, "a/b") }, report.Paths.ToArray());
    }

    [TestMethod]
    public void GitHubPathLinesPairIncludesAndExclusionsAtTheSameDepth()
    {
        var lines = CachePathsReport.From(Config()).GlobLines().ToList();
        Assert.AreEqual(Root.Replace('\\', '/') + "/**", lines[0]);
        foreach (var folder in CachePaths.AuthFolders)
        {
            CollectionAssert.Contains(lines, "!" + Path.Combine(Root, folder).Replace('\\', '/') + "/**");
        }
    }

    [TestMethod]
    public void GitHubFormatWritesKeyPathHeredocAndRestoreKeys()
    {
        var text = CachePathsReport.From(Config()).Render(CachePathsReport.GitHub);
        StringAssert.Contains(text, "key=atmos-k\n");
        StringAssert.Contains(text, "path<<ATMOS_EOF_path\n");
        StringAssert.Contains(text, "restore-keys=atmos-\n");
    }

    [TestMethod]
    public void JsonHasTheAtmosFieldNames()
    {
        using var json = JsonDocument.Parse(CachePathsReport.From(Config()).Render(CachePathsReport.Json));
        Assert.AreEqual("atmos-k", json.RootElement.GetProperty("key").GetString());
        Assert.AreEqual(Root, json.RootElement.GetProperty("paths")[0].GetString());
        Assert.AreEqual(CachePaths.AuthFolders.Count, json.RootElement.GetProperty("exclude_paths").GetArrayLength());
        Assert.AreEqual("atmos-", json.RootElement.GetProperty("restore_keys")[0].GetString());
    }

    [TestMethod]
    public void EnvIsSortedNameValueLines()
    {
        var lines = CachePathsReport.From(Config()).Render(CachePathsReport.Env).TrimEnd('\n').Split('\n');
        CollectionAssert.AreEqual(new[] { "ATMOS_CI_CACHE_EXCLUDE_PATHS", "ATMOS_CI_CACHE_KEY", "ATMOS_CI_CACHE_PATHS", "ATMOS_CI_CACHE_RESTORE_KEYS" }, lines.Select(l => l.Split('=')[0]).ToArray());
        CollectionAssert.Contains(lines, "ATMOS_CI_CACHE_KEY=atmos-k");
        CollectionAssert.Contains(lines, "ATMOS_CI_CACHE_PATHS=" + Root);
    }

    [TestMethod]
    public void YamlListsEveryField()
    {
        var text = CachePathsReport.From(Config()).Render(CachePathsReport.Yaml);
        StringAssert.StartsWith(text, "key: \"atmos-k\"\npaths:\n  - ");
        StringAssert.Contains(text, "exclude_paths:\n");
        StringAssert.Contains(text, "restore_keys:\n  - \"atmos-\"\n");
    }

    [TestMethod]
    public void FormatDefaultsToGitHubAndRejectsUnknownNames()
    {
        Assert.AreEqual(CachePathsReport.GitHub, CachePathsReport.NormalizeFormat(""));
        Assert.AreEqual(CachePathsReport.Json, CachePathsReport.NormalizeFormat(" JSON "));
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => CachePathsReport.NormalizeFormat("xml"));
        StringAssert.Contains(error.Message, "AtmosCachePathsFormat");
    }
}
