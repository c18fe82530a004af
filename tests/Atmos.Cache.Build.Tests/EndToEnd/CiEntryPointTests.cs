using System.Text.RegularExpressions;
using Atmos.Cache.Build.Tests.Support;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Build.Tests.EndToEnd;

/// <summary>
/// The ways CI runs .NET, on one solution of three projects in different folders: a library
/// (<c>src/Lib</c>), a console app that `dotnet test` never builds (<c>src/App</c>, references
/// Lib) and an MSTest project (<c>tests/Lib.Tests</c>, references Lib). For every entry point, run
/// 1 (empty store) misses and saves once with the marker of every project it built; run 2 (new
/// empty root, same store) is an exact hit before any compile (the marker target fails the build
/// otherwise) and does not save again. All runs are at the default verbosity.
/// </summary>
[TestClass]
public sealed partial class CiEntryPointTests
{
    private static Workspace _workspace = null!;

    [ClassInitialize]
    public static async Task CreateAsync(TestContext _)
    {
        _workspace = await Workspace.CreateAsync(machinePackageFeed: true);
        _workspace.Write("src/Lib/Lib.csproj", Project("<OutputType>Library</OutputType>", ""));
        _workspace.Write("src/Lib/Marker.cs", "namespace Lib; public static class Marker { public const int One = 1; }");
        _workspace.Write("src/App/App.csproj", Project("<OutputType>Exe</OutputType>", "<ProjectReference Include=\"../Lib/Lib.csproj\" />"));
        _workspace.Write("src/App/Program.cs", "System.Console.WriteLine(Lib.Marker.One);");
        _workspace.Write("tests/Lib.Tests/Lib.Tests.csproj", Project(
            "<IsTestProject>true</IsTestProject><IsPackable>false</IsPackable>",
            $"<PackageReference Include=\"MSTest\" Version=\"{MSTestVersion()}\" /><ProjectReference Include=\"../../src/Lib/Lib.csproj\" />"));
        _workspace.Write("tests/Lib.Tests/MarkerTests.cs", """
            namespace Lib.Tests;

            [Microsoft.VisualStudio.TestTools.UnitTesting.TestClass]
            public sealed class MarkerTests
            {
                [Microsoft.VisualStudio.TestTools.UnitTesting.TestMethod]
                public void One() => Microsoft.VisualStudio.TestTools.UnitTesting.Assert.AreEqual(1, Lib.Marker.One);
            }
            """);
        _workspace.Write("All.slnx", """
            <Solution>
              <Folder Name="/src/">
                <Project Path="src/Lib/Lib.csproj" />
                <Project Path="src/App/App.csproj" />
              </Folder>
              <Folder Name="/tests/">
                <Project Path="tests/Lib.Tests/Lib.Tests.csproj" />
              </Folder>
            </Solution>
            """);
        (await DotNet.RunAsync(_workspace.Path, ["new", "sln", "--format", "sln", "--name", "All"])).AssertSucceeded("dotnet new sln");
        (await DotNet.RunAsync(_workspace.Path, ["sln", "All.sln", "add", "src/Lib/Lib.csproj", "src/App/App.csproj", "tests/Lib.Tests/Lib.Tests.csproj"])).AssertSucceeded("dotnet sln add");
        _workspace.Write("Tests.slnf", """
            { "solution": { "path": "All.sln", "projects": [ "src/Lib/Lib.csproj", "tests/Lib.Tests/Lib.Tests.csproj" ] } }
            """);
        (await _workspace.DotNetAsync(null, "restore", "All.sln")).AssertSucceeded("dotnet restore All.sln");
    }

    [ClassCleanup]
    public static void Cleanup() => _workspace.Dispose();

    [TestMethod]
    [DataRow("build-project-with-restore", "App,Lib", "build", "src/App/App.csproj")]
    [DataRow("build-sln-m", "App,Lib,Lib.Tests", "build", "All.sln", "--no-restore", "-m")]
    [DataRow("build-sln-m1", "App,Lib,Lib.Tests", "build", "All.sln", "--no-restore", "-m:1")]
    [DataRow("build-slnx-m", "App,Lib,Lib.Tests", "build", "All.slnx", "--no-restore", "-m")]
    [DataRow("build-slnf-m1", "Lib,Lib.Tests", "build", "Tests.slnf", "--no-restore", "-m:1")]
    [DataRow("rebuild-project", "App,Lib", "build", "src/App/App.csproj", "--no-restore", "-t:Rebuild")]
    [DataRow("test-sln", "Lib,Lib.Tests", "test", "All.sln", "--no-restore")]
    [DataRow("test-project", "Lib,Lib.Tests", "test", "tests/Lib.Tests/Lib.Tests.csproj", "--no-restore")]
    [DataRow("publish-project", "App,Lib", "publish", "src/App/App.csproj", "--no-restore")]
    [DataRow("pack-sln", "App,Lib", "pack", "All.sln", "--no-restore")]
    public async Task MissSavesOnceWithEveryBuiltProjectThenAnEmptyRootIsAnExactHitBeforeCompiling(string name, string built, params string[] command)
    {
        var cache = _workspace.NewCache(name);
        var miss = await _workspace.DotNetAsync(cache, command);
        miss.AssertSucceeded($"run 1 of {name}");
        Assert.AreEqual(1, Summaries.Misses(miss), miss.Tail());
        Assert.AreEqual(1, Summaries.Saves(miss), miss.Tail());
        CollectionAssert.AreEqual(built.Split(',').Select(p => p + "-net10.0").ToArray(), cache.SavedMarkers().ToArray(), miss.Tail());

        var emptyRoot = new CacheLocation(_workspace.Combine("cache", name + "-hit", "root"), cache.Store);
        var hit = await _workspace.DotNetAsync(emptyRoot, command);
        hit.AssertSucceeded($"run 2 of {name}");
        Assert.AreEqual(1, Summaries.ExactHits(hit), hit.Tail());
        Assert.AreEqual(1, Summaries.Restores(hit), hit.Tail());
        Assert.AreEqual(0, Summaries.Saves(hit), hit.Tail());
        Assert.AreEqual(1, cache.Archives().Count, "run 2 added no entry");
        Assert.AreEqual(0, hit.Count("Atmos cache: not saved"), hit.Tail());
    }

    private static string Project(string properties, string items) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            {properties}
          </PropertyGroup>
          <ItemGroup>{items}</ItemGroup>
        </Project>
        """;

    /// <summary>The MSTest version this repository uses (so the machine's package folder has it offline).</summary>
    private static string MSTestVersion() =>
        MSTestVersionPattern().Match(File.ReadAllText(RepositoryRoot.Combine("Directory.Packages.props"))).Groups[1].Value;

    [GeneratedRegex("<PackageVersion Include=\"MSTest\" Version=\"([^\"]+)\"")]
    private static partial Regex MSTestVersionPattern();
}
