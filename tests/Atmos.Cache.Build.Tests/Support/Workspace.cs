using System.Formats.Tar;
using System.IO.Compression;
using System.Security;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Build.Tests.Support;

/// <summary>
/// A throw-away folder of sample projects that reference the freshly packed package through a
/// nuget.config holding only the local feed, so builds need no network. Every project gets a
/// target that runs just before its compiler and (1) fails the build if the cache restore has
/// not happened yet, (2) writes a marker file into the cache root, so the saved archive shows
/// which projects had built by the time of the save.
/// </summary>
public sealed class Workspace : IDisposable
{
    private readonly TempFolder _folder;

    private Workspace(TempFolder folder) => _folder = folder;

    public string Path => _folder.Path;

    public string Combine(params string[] parts) => _folder.Combine(parts);

    public static async Task<Workspace> CreateAsync(bool machinePackageFeed = false)
    {
        var package = await PackageFeed.PackageAsync();
        Assert.IsTrue(File.Exists(package), package);
        Directory.CreateDirectory(PackageFeed.RunFolder);
        var workspace = new Workspace(new TempFolder(System.IO.Path.Combine(PackageFeed.RunFolder, "ws")));
        var extraFeed = machinePackageFeed ? $"\n    <add key=\"machine\" value=\"{SecurityElement.Escape(PackageFeed.MachinePackageFolder)}\" />" : "";
        workspace.Write("nuget.config", $"""
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{SecurityElement.Escape(PackageFeed.Folder)}" />{extraFeed}
              </packageSources>
            </configuration>
            """);
        workspace.Write("Directory.Build.props", $"""
            <Project>
              <PropertyGroup>
                <E2EExpectRestore Condition="'$(E2EExpectRestore)' == ''">true</E2EExpectRestore>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Atmos.Cache.Build" Version="{PackageFeed.Version}" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """);
        workspace.Write("Directory.Build.targets", """
            <Project>
              <Target Name="E2EWriteRootMarker" BeforeTargets="CoreCompile">
                <Error Condition="'$(E2EExpectRestore)' == 'true' and !Exists('$(ATMOS_CI_CACHE_ROOT)/.atmos-cache/state.json')"
                       Text="E2E: $(MSBuildProjectName) compiles before the cache restore happened" />
                <WriteLinesToFile Condition="'$(ATMOS_CI_CACHE_ROOT)' != ''" File="$(ATMOS_CI_CACHE_ROOT)/markers/$(MSBuildProjectName)-$(TargetFramework).txt" Lines="built" Overwrite="true" />
              </Target>
            </Project>
            """);
        return workspace;
    }

    /// <summary>Adds a class library <c>name/name.csproj</c>.</summary>
    public string AddProject(string name, string targetFrameworks = "net10.0", params string[] references)
    {
        var property = targetFrameworks.Contains(';') ? "TargetFrameworks" : "TargetFramework";
        var referenceItems = string.Concat(references.Select(r => $"<ProjectReference Include=\"../{r}/{r}.csproj\" />"));
        Write($"{name}/{name}.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <{property}>{targetFrameworks}</{property}>
              </PropertyGroup>
              <ItemGroup>{referenceItems}</ItemGroup>
            </Project>
            """);
        Write($"{name}/Class.cs", $"namespace {name}; public static class Marker {{ }}");
        return Combine(name, name + ".csproj");
    }

    /// <summary>Adds a solution (<c>.slnx</c>) with the given projects.</summary>
    public string AddSolution(string name, params string[] projects)
    {
        Write(name + ".slnx", "<Solution>\n" + string.Concat(projects.Select(p => $"  <Project Path=\"{p}/{p}.csproj\" />\n")) + "</Solution>\n");
        return Combine(name + ".slnx");
    }

    public void Write(string relativePath, string text)
    {
        var path = Combine(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>A cache root and a local store of its own, as environment variables for <see cref="DotNet"/>.</summary>
    public CacheLocation NewCache(string name) => new(Combine("cache", name, "root"), Combine("cache", name, "store"));

    /// <summary><c>dotnet build</c> (or another command) in this workspace.</summary>
    public Task<CommandResult> DotNetAsync(CacheLocation? cache, params string[] arguments) =>
        DotNetAsync(cache, null, arguments);

    public Task<CommandResult> DotNetAsync(CacheLocation? cache, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var variables = new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackageFeed.NuGetPackages };
        if (cache is not null)
        {
            variables["ATMOS_CI_CACHE_BACKEND"] = "local";
            variables["ATMOS_CI_CACHE_ROOT"] = cache.Root;
            variables["ATMOS_CI_CACHE_LOCAL_DIR"] = cache.Store;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return DotNet.RunAsync(Path, [.. arguments, "-nodeReuse:false", "-tl:off"], variables);
    }

    public void Dispose() => _folder.Dispose();
}

/// <summary>A cache root and the local store it is saved to.</summary>
public sealed record CacheLocation(string Root, string Store)
{
    /// <summary>The archives in the store (one per saved entry).</summary>
    public IReadOnlyList<string> Archives() =>
        Directory.Exists(Store) ? [.. Directory.EnumerateFiles(Store, "archive", SearchOption.AllDirectories)] : [];

    /// <summary>The entry names in a saved archive (gzip or zstd tar, told by its first bytes).</summary>
    public static IReadOnlyList<string> Entries(string archive)
    {
        using var file = File.OpenRead(archive);
        var magic = new byte[4];
        file.ReadExactly(magic);
        file.Position = 0;
        using Stream decompressed = magic is [0x28, 0xB5, 0x2F, 0xFD]
            ? new ZstdSharp.DecompressionStream(file)
            : new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(decompressed);
        var names = new List<string>();
        while (tar.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }

    /// <summary>The marker files (<c>Project-tfm</c>) in the one archive of the store.</summary>
    public IReadOnlyList<string> SavedMarkers()
    {
        var archive = Archives().Single();
        return [.. Entries(archive).Where(n => n.StartsWith("markers/", StringComparison.Ordinal) && n.EndsWith(".txt", StringComparison.Ordinal))
            .Select(n => System.IO.Path.GetFileNameWithoutExtension(n)).Order(StringComparer.Ordinal)];
    }
}

/// <summary>The one-line summaries the package prints, counted in a build's output.</summary>
public static class Summaries
{
    public static int Restores(CommandResult result) => result.Count("Atmos cache [atmos]: restored '") + result.Count("Atmos cache [atmos]: miss for '");
    public static int Misses(CommandResult result) => result.Count("Atmos cache [atmos]: miss for '");
    public static int ExactHits(CommandResult result) => result.Lines.Count(l => l.Contains("Atmos cache [atmos]: restored '", StringComparison.Ordinal) && l.Contains("(exact hit", StringComparison.Ordinal));
    public static int Saves(CommandResult result) => result.Count("Atmos cache [atmos]: saved '");
    public static int SavedKey(CommandResult result, string key) => result.Count($"Atmos cache [atmos]: saved '{key}'");
    public static int SkippedSaves(CommandResult result) => result.Count("Atmos cache [atmos]: save skipped for '");
    public static int SkippedRestores(CommandResult result) => result.Count("Atmos cache [atmos]: restore skipped for '");
    public static int Any(CommandResult result) => Restores(result) + Saves(result) + SkippedSaves(result) + SkippedRestores(result);
}
