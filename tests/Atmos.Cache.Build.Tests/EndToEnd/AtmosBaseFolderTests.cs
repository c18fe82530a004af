using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Atmos.Cache.Build.Tests.Support;

namespace Atmos.Cache.Build.Tests.EndToEnd;

/// <summary>
/// A solution with <c>atmos.yaml</c> at its root and projects in <c>src/A</c> and <c>src/B</c>: the key's
/// <c>hashFiles "global.json"</c> resolves against the one base folder (here the folder of atmos.yaml,
/// the workspace being outside any repository), so every parallel build, whichever project restores
/// first, computes the key the Atmos CLI computes.
/// </summary>
[TestClass]
public sealed partial class AtmosBaseFolderTests
{
    private const int Builds = 10;
    private static Workspace _workspace = null!;
    private static string _solution = null!;

    [ClassInitialize]
    public static async Task CreateAsync(TestContext _)
    {
        _workspace = await Workspace.CreateAsync();
        _workspace.Write("atmos.yaml", "ci:\n  cache:\n    key: 'k-{{ hashFiles \"global.json\" }}'\n");
        // No "sdk" section: the SDK choice stays the machine's.
        _workspace.Write("global.json", "{ \"e2e\": \"the base folder's file\" }\n");
        foreach (var name in new[] { "A", "B" })
        {
            _workspace.Write($"src/{name}/{name}.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
                </Project>
                """);
            _workspace.Write($"src/{name}/Class.cs", $"namespace {name}; public static class Marker {{ }}");
        }

        _workspace.Write("All.slnx", "<Solution>\n  <Project Path=\"src/A/A.csproj\" />\n  <Project Path=\"src/B/B.csproj\" />\n</Solution>\n");
        _solution = _workspace.Combine("All.slnx");
        var restore = await _workspace.DotNetAsync(null, "restore", _solution);
        restore.AssertSucceeded("dotnet restore");
    }

    [ClassCleanup]
    public static void Cleanup() => _workspace.Dispose();

    [TestMethod]
    public async Task TenParallelBuildsFromAnEmptyRootComputeTheAtmosKeyOfTheBaseFolder()
    {
        var expected = "k-" + AtmosHashFiles(_workspace.Combine("global.json"));
        var keys = new List<string>();
        for (var i = 0; i < Builds; i++)
        {
            var cache = _workspace.NewCache("run" + i);
            var build = await _workspace.DotNetAsync(cache, "build", _solution, "--no-restore", "-m", "-v:n");
            build.AssertSucceeded($"dotnet build All.slnx -m (run {i})");
            var misses = build.Lines.Select(l => MissLine().Match(l)).Where(m => m.Success).ToList();
            Assert.AreEqual(1, misses.Count, build.Tail());
            keys.Add(misses[0].Groups["key"].Value);
            Assert.AreEqual(1, Summaries.Saves(build), build.Tail());
        }

        CollectionAssert.AreEqual(Enumerable.Repeat(expected, Builds).ToList(), keys);
    }

    [TestMethod]
    public async Task ThePropertyMovesTheBaseFolderForEveryProject()
    {
        _workspace.Write("alt/global.json", "{ \"e2e\": \"another folder's file\" }\n");
        var expected = "k-" + AtmosHashFiles(_workspace.Combine("alt", "global.json"));
        var cache = _workspace.NewCache("property");

        var build = await _workspace.DotNetAsync(
            cache, "build", _solution, "--no-restore", "-m", "-v:n", "-p:AtmosCacheBaseDirectory=" + _workspace.Combine("alt"));

        build.AssertSucceeded("dotnet build All.slnx -p:AtmosCacheBaseDirectory=alt");
        Assert.AreEqual(expected, build.Lines.Select(l => MissLine().Match(l)).Single(m => m.Success).Groups["key"].Value, build.Tail());
    }

    // The Atmos rule, written independently: SHA-256 over the base name then the bytes, first 16 hex digits.
    private static string AtmosHashFiles(string file)
    {
        var bytes = Encoding.UTF8.GetBytes(Path.GetFileName(file)).Concat(File.ReadAllBytes(file)).ToArray();
        return Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
    }

    [GeneratedRegex("Atmos cache [atmos]: miss for '(?<key>[^']+)'")]
    private static partial Regex MissLine();
}
