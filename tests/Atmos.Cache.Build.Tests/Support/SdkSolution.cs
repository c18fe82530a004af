using System.IO.Compression;
using System.Security;
using System.Text.RegularExpressions;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Build.Tests.Support;

/// <summary>
/// A solution that uses the package in its SDK form, as a .NET team would set it up: <c>global.json</c>
/// <c>msbuild-sdks</c>, the <c>Sdk.props</c>/<c>Sdk.targets</c> imports in <c>Directory.Build.props</c> and
/// <c>.targets</c>, warnings as errors, and real NuGet packages. Projects in folders: <c>src/Core</c>
/// (YamlDotNet), <c>src/Data</c> (SharpZipLib, references Core), <c>src/App</c> (an executable with
/// ZstdSharp.Port, references Data) and <c>tests/Core.Tests</c> (MSTest, references Data), in
/// <c>All.slnx</c>, <c>All.sln</c> and <c>Tests.slnf</c>. NuGet reads two feeds: the package under test
/// and <c>feeds/solution</c>, the solution's packages (a link to this machine's packages folder, so no
/// network is needed), which a test can take away. Every run has a NuGet packages folder, HTTP cache
/// and Atmos cache home of its own, as a new CI machine has.
/// </summary>
public sealed partial class SdkSolution : IDisposable
{
    private readonly TempFolder _folder;

    private SdkSolution(TempFolder folder) => _folder = folder;

    public string Path => _folder.Path;

    public string Combine(params string[] parts) => _folder.Combine(parts);

    /// <summary>The folder feed of the solution's packages.</summary>
    public string SolutionFeed => Combine("feeds", "solution");

    /// <summary>A folder feed of small packages the tests make (<see cref="AddLocalPackage"/>).</summary>
    public string LocalFeed => Combine("feeds", "local");

    public static async Task<SdkSolution> CreateAsync(string extraProps = "", string extraItems = "")
    {
        var package = await PackageFeed.PackageAsync();
        Assert.IsTrue(File.Exists(package), package);
        Directory.CreateDirectory(PackageFeed.RunFolder);
        var solution = new SdkSolution(new TempFolder(System.IO.Path.Combine(PackageFeed.RunFolder, "sdk")));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(solution.SolutionFeed)!);
        Directory.CreateDirectory(solution.LocalFeed);
        Directory.CreateSymbolicLink(solution.SolutionFeed, PackageFeed.MachinePackageFolder);

        solution.Write("global.json", $$"""{ "msbuild-sdks": { "Atmos.Cache.Build": "{{PackageFeed.Version}}" } }""");
        solution.Write("nuget.config", $"""
            <configuration>
              <packageSources>
                <clear />
                <add key="atmos" value="{SecurityElement.Escape(PackageFeed.Folder)}" />
                <add key="solution" value="feeds/solution" />
                <add key="local" value="feeds/local" />
              </packageSources>
            </configuration>
            """);
        solution.Write("Directory.Build.props", $"""
            <Project>
              <Import Project="Sdk.props" Sdk="Atmos.Cache.Build" />
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <MSBuildTreatWarningsAsErrors>true</MSBuildTreatWarningsAsErrors>
                <IsPackable>false</IsPackable>{extraProps}
              </PropertyGroup>
              <ItemGroup>{extraItems}</ItemGroup>
            </Project>
            """);
        solution.Write("Directory.Build.targets", """
            <Project>
              <Import Project="Sdk.targets" Sdk="Atmos.Cache.Build" />
            </Project>
            """);
        solution.Write("src/Core/Core.csproj", Project("<IsPackable>true</IsPackable>", $"<PackageReference Include=\"YamlDotNet\" Version=\"{RepositoryVersion("YamlDotNet")}\" />"));
        solution.Write("src/Core/Settings.cs", "namespace Core; public static class Settings { public static string Name() => new YamlDotNet.Serialization.SerializerBuilder().Build().Serialize(new { A = 1 }).Trim(); }");
        solution.Write("src/Data/Data.csproj", Project("", $"<PackageReference Include=\"SharpZipLib\" Version=\"{RepositoryVersion("SharpZipLib")}\" /><ProjectReference Include=\"../Core/Core.csproj\" />"));
        solution.Write("src/Data/Store.cs", "namespace Data; public static class Store { public static string Name() => Core.Settings.Name() + typeof(ICSharpCode.SharpZipLib.Tar.TarArchive).Name.Length; }");
        solution.Write("src/App/App.csproj", Project("<OutputType>Exe</OutputType>", $"<PackageReference Include=\"ZstdSharp.Port\" Version=\"{RepositoryVersion("ZstdSharp.Port")}\" /><ProjectReference Include=\"../Data/Data.csproj\" />"));
        solution.Write("src/App/Program.cs", "System.Console.WriteLine(Data.Store.Name() + typeof(ZstdSharp.Compressor).Name);");
        solution.Write("tests/Core.Tests/Core.Tests.csproj", Project(
            "<IsTestProject>true</IsTestProject>",
            $"<PackageReference Include=\"MSTest\" Version=\"{RepositoryVersion("MSTest")}\" /><ProjectReference Include=\"../../src/Data/Data.csproj\" />"));
        solution.Write("tests/Core.Tests/StoreTests.cs", """
            namespace Core.Tests;

            [Microsoft.VisualStudio.TestTools.UnitTesting.TestClass]
            public sealed class StoreTests
            {
                [Microsoft.VisualStudio.TestTools.UnitTesting.TestMethod]
                public void NameComesFromEveryPackage() => Microsoft.VisualStudio.TestTools.UnitTesting.Assert.AreEqual("A: 110", Data.Store.Name());
            }
            """);
        solution.Write("All.slnx", """
            <Solution>
              <Folder Name="/src/">
                <Project Path="src/Core/Core.csproj" />
                <Project Path="src/Data/Data.csproj" />
                <Project Path="src/App/App.csproj" />
              </Folder>
              <Folder Name="/tests/">
                <Project Path="tests/Core.Tests/Core.Tests.csproj" />
              </Folder>
            </Solution>
            """);
        (await DotNet.RunAsync(solution.Path, ["new", "sln", "--format", "sln", "--name", "All"])).AssertSucceeded("dotnet new sln");
        (await DotNet.RunAsync(solution.Path, ["sln", "All.sln", "add", "src/Core/Core.csproj", "src/Data/Data.csproj", "src/App/App.csproj", "tests/Core.Tests/Core.Tests.csproj"])).AssertSucceeded("dotnet sln add");
        solution.Write("Tests.slnf", """
            { "solution": { "path": "All.sln", "projects": [ "src/Core/Core.csproj", "src/Data/Data.csproj", "tests/Core.Tests/Core.Tests.csproj" ] } }
            """);
        return solution;
    }

    public void Write(string relativePath, string text)
    {
        var path = Combine(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>The feed of the solution's packages is gone (an empty folder stands in its place, so nuget.config and the cache key stay the same).</summary>
    public void TakeAwaySolutionFeed()
    {
        if (new FileInfo(SolutionFeed).LinkTarget is not null)
        {
            File.Delete(SolutionFeed);
        }

        Directory.CreateDirectory(SolutionFeed);
    }

    /// <summary>Removes every project's bin and obj, as a fresh checkout has none.</summary>
    public void Clean()
    {
        foreach (var project in new[] { "src/Core", "src/Data", "src/App", "tests/Core.Tests" })
        {
            foreach (var output in new[] { "bin", "obj" })
            {
                var folder = Combine(project, output);
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }
    }

    /// <summary>Writes a small real package (a nuspec and one library file) into <see cref="LocalFeed"/>.</summary>
    public void AddLocalPackage(string id, string version)
    {
        var path = System.IO.Path.Combine(LocalFeed, $"{id}.{version}.nupkg");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var nuspec = new StreamWriter(zip.CreateEntry($"{id}.nuspec").Open()))
        {
            nuspec.Write($"""
                <?xml version="1.0" encoding="utf-8"?>
                <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
                  <metadata>
                    <id>{id}</id>
                    <version>{version}</version>
                    <authors>tests</authors>
                    <description>A package the end-to-end tests make.</description>
                  </metadata>
                </package>
                """);
        }

        using var content = new StreamWriter(zip.CreateEntry("lib/netstandard2.0/_._").Open());
        content.Write("");
    }

    /// <summary>The folders one run (one CI machine) writes into; <see cref="Store"/> stays across runs unless given.</summary>
    public RunFolders NewRun(string name, string? store = null) => new(
        Combine("runs", name, "nuget"),
        Combine("runs", name, "http"),
        Combine("runs", name, "home"),
        store ?? Combine("store"));

    public Task<CommandResult> DotNetAsync(RunFolders run, params string[] arguments) => DotNetAsync(run, null, arguments);

    public Task<CommandResult> DotNetAsync(RunFolders run, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var variables = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = run.NuGetPackages,
            ["NUGET_HTTP_CACHE_PATH"] = run.HttpCache,
            // The Atmos cache's default root: a folder of the run, empty unless a test fills it.
            ["ATMOS_XDG_CACHE_HOME"] = run.CacheHome,
            ["ATMOS_CI_CACHE_BACKEND"] = "local",
            ["ATMOS_CI_CACHE_LOCAL_DIR"] = run.Store,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return DotNet.RunAsync(Path, [.. arguments, "-nodeReuse:false", "-tl:off"], variables);
    }

    public void Dispose() => _folder.Dispose();

    private static string Project(string properties, string items) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>{properties}</PropertyGroup>
          <ItemGroup>{items}</ItemGroup>
        </Project>
        """;

    /// <summary>The version the repository itself uses, so the package is in this machine's packages folder.</summary>
    internal static string RepositoryVersion(string id) =>
        Regex.Match(File.ReadAllText(RepositoryRoot.Combine("Directory.Packages.props")), $"<PackageVersion Include=\"{Regex.Escape(id)}\" Version=\"([^\"]+)\"").Groups[1].Value;
}

/// <summary>What one CI machine has: a NuGet packages folder, an HTTP cache, a cache home; and the store the runs share.</summary>
public sealed record RunFolders(string NuGetPackages, string HttpCache, string CacheHome, string Store);
