using Atmos.Cache.Build.Tests.EndToEnd.GitHub;
using Atmos.Cache.Build.Tests.Support;

namespace Atmos.Cache.Build.Tests.EndToEnd;

/// <summary>
/// <c>atmos.yaml</c> in real builds: typos in the sections the package reads are one warning each at
/// the file and line, with a suggestion, suppressible with NoWarn and never an error under
/// <c>-warnaserror</c>; a valid file gives none; and the backend can be chosen in the file alone.
/// </summary>
[TestClass]
public sealed class AtmosYamlCheckTests
{
    private static Workspace _workspace = null!;

    [ClassInitialize]
    public static async Task CreateAsync(TestContext _)
    {
        _workspace = await Workspace.CreateAsync();
        _workspace.AddProject("Typo");
        (await _workspace.DotNetAsync(null, "restore", "Typo/Typo.csproj")).AssertSucceeded("dotnet restore");
    }

    [ClassCleanup]
    public static void Cleanup() => _workspace.Dispose();

    [TestMethod]
    public async Task TyposAreWarningsAtTheirLineWithASuggestionSuppressibleAndNeverErrors()
    {
        _workspace.Write("atmos.yaml", "ci:\n  cahce:\n    key: never-read\n  cache:\n    restore_key: [typo-]\n    s3: { bukcet: my-bucket }\n");
        var file = _workspace.Combine("atmos.yaml");

        var build = await _workspace.DotNetAsync(_workspace.NewCache("typos"), "build", "Typo/Typo.csproj", "--no-restore", "-v:n", "-warnaserror");
        var suppressed = await _workspace.DotNetAsync(_workspace.NewCache("suppressed"), "build", "Typo/Typo.csproj", "--no-restore", "-v:n", "-p:NoWarn=ATMOSCACHE012");

        build.AssertSucceeded("a build with typos under -warnaserror");
        var warnings = BuildOutput.CacheWarnings(build);
        Assert.HasCount(3, warnings, build.Tail());
        AssertOne(warnings, $"{file}(2,3): warning ATMOSCACHE012: Atmos cache: 'ci.cahce' looks like a misspelling of 'ci.cache' (did you mean 'cache'?)");
        AssertOne(warnings, $"{file}(5,5): warning ATMOSCACHE012: Atmos cache: 'ci.cache.restore_key' is not a setting this package knows (did you mean 'restore_keys'?)");
        AssertOne(warnings, $"{file}(6,11): warning ATMOSCACHE012: Atmos cache: 'ci.cache.s3.bukcet' is not a setting this package knows (did you mean 'bucket'?)");
        suppressed.AssertSucceeded("a build with NoWarn");
        Assert.AreEqual(0, suppressed.Count("ATMOSCACHE012"), suppressed.Tail());
    }

    [TestMethod]
    public async Task AValidFileGivesNoWarningAndChoosesTheBackendByItself()
    {
        var store = _workspace.Combine("yaml-store");
        var root = _workspace.Combine("yaml-root");
        _workspace.Write("atmos.yaml", $$"""
            base_path: .
            components: { terraform: { base_path: components/terraform } }
            ci:
              summary: { enabled: true }
              cache:
                backend: local
                local_dir: '{{store}}'
                root: '{{root}}'
                key: yaml-backend-key
                restore_keys: [yaml-backend-]
            """);

        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "tool.txt"), "something to save");

        // No AtmosCacheBackend, no ATMOS_CI_CACHE_* variable: the file alone turns the cache on.
        var build = await _workspace.DotNetAsync(null, "build", "Typo/Typo.csproj", "--no-restore", "-v:n", "-p:E2EExpectRestore=false");

        build.AssertSucceeded("a build configured by atmos.yaml alone");
        BuildOutput.AssertNoCacheWarning(build, "a valid atmos.yaml");
        Assert.AreEqual(1, Summaries.SavedKey(build, "yaml-backend-key"), build.Tail());
        Assert.IsTrue(Directory.Exists(store), "the local store of atmos.yaml holds the entry");
    }

    private static void AssertOne(IReadOnlyList<string> warnings, string start) =>
        Assert.AreEqual(1, warnings.Count(w => w.StartsWith(start, StringComparison.Ordinal)), $"{start}\n{string.Join('\n', warnings)}");
}
