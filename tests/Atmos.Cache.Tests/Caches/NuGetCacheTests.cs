using Atmos.Cache.Caches.NuGet;
using Atmos.Cache.Configuration;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Caches;

[TestClass]
public sealed class NuGetCacheTests
{
    private static DictionaryEnvironment Environment(params (string Name, string Value)[] variables) =>
        new(variables.ToDictionary(v => v.Name, v => v.Value));

    [TestMethod]
    public void ThePackagesFolderIsFoundInNuGetsOrder()
    {
        using var temp = new TempFolder();
        var project = temp.Combine("repo", "src", "App");
        Directory.CreateDirectory(project);
        temp.WriteFile("repo/nuget.config", """<configuration><config><add key="globalPackagesFolder" value="../from-config" /></config></configuration>""");
        var home = temp.Combine("home");

        var (fromProperty, _) = NuGetPackagesFolder.Resolve("../../packages", project, Environment(("NUGET_PACKAGES", temp.Combine("from-variable")), ("HOME", home)));
        Assert.AreEqual(temp.Combine("repo", "packages"), fromProperty, "RestorePackagesPath comes first, relative to the project");

        var (fromVariable, _) = NuGetPackagesFolder.Resolve(null, project, Environment(("NUGET_PACKAGES", temp.Combine("from-variable")), ("HOME", home)));
        Assert.AreEqual(temp.Combine("from-variable"), fromVariable);

        var (fromConfig, source) = NuGetPackagesFolder.Resolve(null, project, Environment(("HOME", home)));
        Assert.AreEqual(temp.Combine("from-config"), fromConfig, "relative to the config file's folder");
        StringAssert.Contains(source, "nuget.config");

        File.Delete(temp.Combine("repo", "nuget.config"));
        var (byDefault, _) = NuGetPackagesFolder.Resolve(null, project, Environment(("HOME", home)));
        Assert.AreEqual(Path.Combine(home, ".nuget", "packages"), byDefault);
    }

    [TestMethod]
    public void TheClosestConfigThatSetsTheFolderWins()
    {
        using var temp = new TempFolder();
        var project = temp.Combine("repo", "src", "App");
        Directory.CreateDirectory(project);
        temp.WriteFile("repo/nuget.config", """<configuration><config><add key="globalPackagesFolder" value="outer" /></config></configuration>""");
        temp.WriteFile("repo/src/nuget.config", """<configuration><config><add key="globalPackagesFolder" value="inner" /></config></configuration>""");
        var (folder, _) = NuGetPackagesFolder.Resolve(null, project, Environment(("HOME", temp.Combine("home"))));
        Assert.AreEqual(temp.Combine("repo", "src", "inner"), folder);
    }

    [TestMethod]
    public void TheKeyHashesLockFilesWhenThereAreAnyElseTheRestoreInputs()
    {
        using var temp = new TempFolder();
        temp.WriteFile("src/App/App.csproj", "<Project />");
        temp.WriteFile("Directory.Packages.props", "<Project />");
        temp.WriteFile("src/App/obj/App.csproj.nuget.g.props", "<Project />");
        temp.WriteFile("src/App/bin/Other.csproj", "<Project />");
        temp.WriteFile(".git/x.csproj", "<Project />");
        temp.WriteFile("packages/some.package/1.0.0/some.csproj", "<Project />");
        var packages = temp.Combine("packages");

        var inputs = NuGetRestoreInputs.Find(temp.Path, packages).Select(f => Path.GetRelativePath(temp.Path, f).Replace('\\', '/')).ToList();
        CollectionAssert.AreEqual(new[] { "Directory.Packages.props", "src/App/App.csproj" }, inputs, string.Join(", ", inputs));

        var before = NuGetRestoreInputs.Hash(temp.Path, packages);
        temp.WriteFile("src/App/App.csproj", "<Project><ItemGroup><PackageReference Include=\"X\" Version=\"2.0.0\" /></ItemGroup></Project>");
        Assert.AreNotEqual(before, NuGetRestoreInputs.Hash(temp.Path, packages), "a changed project file changes the key");
        temp.WriteFile("src/App/bin/Other.csproj", "changed");
        var unchanged = NuGetRestoreInputs.Hash(temp.Path, packages);
        temp.WriteFile("src/App/obj/project.assets.json", "{}");
        Assert.AreEqual(unchanged, NuGetRestoreInputs.Hash(temp.Path, packages), "build output is not an input");

        temp.WriteFile("src/App/packages.lock.json", "{ \"version\": 1 }");
        inputs = NuGetRestoreInputs.Find(temp.Path, packages).Select(f => Path.GetRelativePath(temp.Path, f).Replace('\\', '/')).ToList();
        CollectionAssert.AreEqual(new[] { "src/App/packages.lock.json" }, inputs, "lock files pin the graph: only they count");
    }

    [TestMethod]
    public void TheAssetsFileNamesEveryPackageAndDownloadDependency()
    {
        using var temp = new TempFolder();
        var assets = temp.WriteFile("project.assets.json", """
            {
              "version": 3,
              "libraries": {
                "Newtonsoft.Json/13.0.3": { "type": "package", "path": "newtonsoft.json/13.0.3" },
                "Core/1.0.0": { "type": "project", "path": "../Core/Core.csproj" },
                "Evil/1.0.0": { "type": "package", "path": "../../etc/passwd" }
              },
              "project": { "frameworks": { "net10.0": { "downloadDependencies": [ { "name": "Microsoft.AspNetCore.App.Ref", "version": "[10.0.1, 10.0.1]" } ] } } }
            }
            """);
        var folders = NuGetAssets.PackageFolders(assets).Order(StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(new[] { "microsoft.aspnetcore.app.ref/10.0.1", "newtonsoft.json/13.0.3" }, folders, string.Join(", ", folders));
    }

    [TestMethod]
    public void TheSaveKeepsThePackagesTheBuildUsedAndNeverThePackagesOwnFolder()
    {
        using var temp = new TempFolder();
        var root = temp.Combine("packages");
        foreach (var package in new[] { "newtonsoft.json/13.0.3", "newtonsoft.json/12.0.1", "serilog/4.2.0", "atmos.cache.build/1.0.0" })
        {
            temp.WriteFile($"packages/{package}/.nupkg.metadata", "{}");
        }

        var assets = temp.WriteFile("obj/project.assets.json", """
            { "libraries": { "Newtonsoft.Json/13.0.3": { "type": "package", "path": "newtonsoft.json/13.0.3" }, "Atmos.Cache.Build/1.0.0": { "type": "package", "path": "atmos.cache.build/1.0.0" } } }
            """);

        var used = NuGetSaveSelection.Select(root, [assets]);
        CollectionAssert.AreEqual(new[] { "newtonsoft.json/13.0.3" }, used.Includes.ToArray());
        Assert.AreEqual(2, used.PackagesLeftOut, "the old version and the unused package");
        CollectionAssert.AreEqual(new[] { "newtonsoft.json/12.0.1", "serilog/4.2.0" }, used.LeftOut.ToArray(), "named for the log; never the package's own folder");

        temp.WriteFile("repo/.config/dotnet-tools.json", """{ "version": 1, "isRoot": true, "tools": { "Serilog": { "version": "4.2.0", "commands": [ "x" ] } } }""");
        var withTools = NuGetSaveSelection.Select(root, [assets], temp.Combine("repo"));
        CollectionAssert.AreEqual(new[] { "newtonsoft.json/13.0.3", "serilog/4.2.0" }, withTools.Includes.ToArray(), "the local tools' packages stay too");

        var whole = NuGetSaveSelection.Select(root, []);
        CollectionAssert.AreEqual(new[] { "newtonsoft.json/12.0.1", "newtonsoft.json/13.0.3", "serilog/4.2.0" }, whole.Includes.ToArray(), "without assets information every package but the package's own");
    }

    [TestMethod]
    public void TheSaveLeavesOutTheNupkgOfInstalledRestoredPackagesButNotOfToolsOrIncompletePackages()
    {
        using var temp = new TempFolder();
        var root = temp.Combine("packages");
        void Package(string id, string version, bool complete = true)
        {
            temp.WriteFile($"packages/{id}/{version}/{id}.{version}.nupkg", "zip");
            temp.WriteFile($"packages/{id}/{version}/{id}.{version}.nupkg.sha512", "hash");
            temp.WriteFile($"packages/{id}/{version}/lib/{id}.dll", "dll");
            if (complete)
            {
                temp.WriteFile($"packages/{id}/{version}/.nupkg.metadata", "{}");
            }
        }

        Package("newtonsoft.json", "13.0.3");
        Package("half.extracted", "1.0.0", complete: false);
        Package("some.tool", "2.0.0");
        var assets = temp.WriteFile("obj/project.assets.json", """
            { "libraries": {
                "Newtonsoft.Json/13.0.3": { "type": "package", "path": "newtonsoft.json/13.0.3" },
                "Half.Extracted/1.0.0": { "type": "package", "path": "half.extracted/1.0.0" } } }
            """);
        temp.WriteFile("repo/.config/dotnet-tools.json", """{ "version": 1, "isRoot": true, "tools": { "some.tool": { "version": "2.0.0", "commands": [ "x" ] } } }""");

        var selection = NuGetSaveSelection.Select(root, [assets], temp.Combine("repo"));

        CollectionAssert.AreEqual(new[] { "half.extracted/1.0.0", "newtonsoft.json/13.0.3", "some.tool/2.0.0" }, selection.Includes.ToArray());
        CollectionAssert.AreEqual(new[] { "newtonsoft.json/13.0.3/newtonsoft.json.13.0.3.nupkg" }, selection.Excludes.ToArray(),
            "only a package NuGet takes as installed goes without its .nupkg; a tool keeps it");
        Assert.AreEqual(0, NuGetSaveSelection.Select(root, []).Excludes.Count, "a folder saved whole keeps every file");
    }

    [TestMethod]
    public void TheSaveKeepsTheVersionsNuGetReadsOnItsWayToTheGraphButNotStaleOnes()
    {
        using var temp = new TempFolder();
        var root = temp.Combine("packages");
        void Package(string id, string version, params (string Id, string Range)[] dependencies)
        {
            var items = string.Concat(dependencies.Select(d => "<dependency id='" + d.Id + "' version='" + d.Range + "' />"));
            temp.WriteFile($"packages/{id}/{version}/{id}.nuspec",
                $"<package><metadata><id>{id}</id><version>{version}</version><dependencies><group targetFramework='net8.0'>{items}</group></dependencies></metadata></package>");
        }

        Package("lib.a", "1.0.0", ("Lib.B", "[1.0.0, )"));
        Package("lib.b", "1.0.0", ("Lib.C", "1.5"));
        Package("lib.b", "2.0.0");
        Package("lib.c", "1.0.0");
        Package("lib.c", "1.5.0");
        Package("lib.old", "0.9.0");
        // The graph NuGet kept: lib.a and lib.b 2.0.0 (a direct reference wins over lib.a's >= 1.0.0).
        var assets = temp.WriteFile("obj/project.assets.json", """
            {
              "libraries": { "Lib.A/1.0.0": { "type": "package", "path": "lib.a/1.0.0" }, "Lib.B/2.0.0": { "type": "package", "path": "lib.b/2.0.0" } },
              "project": { "frameworks": { "net10.0": { "dependencies": { "Lib.A": { "version": "[1.0.0, )" }, "Lib.B": { "version": "[2.0.0, )" } } } } }
            }
            """);

        var selection = NuGetSaveSelection.Select(root, [assets]);
        CollectionAssert.AreEqual(new[] { "lib.a/1.0.0", "lib.b/1.0.0", "lib.b/2.0.0", "lib.c/1.5.0" }, selection.Includes.ToArray(),
            "lib.b 1.0.0 is read for lib.a's range, and lib.c 1.5.0 for lib.b 1.0.0's: NuGet reads both before it settles");
        CollectionAssert.AreEqual(new[] { "lib.c/1.0.0", "lib.old/0.9.0" }, selection.LeftOut.ToArray(), "versions no range reaches are stale");
    }

    [TestMethod]
    public void OnlyCompletelyInstalledPackagesAreKeptOnRestore()
    {
        using var temp = new TempFolder();
        temp.WriteFile($"newtonsoft.json/13.0.3/{InstalledPackages.CompletionMarker}", "{}");
        temp.WriteFile("serilog/4.2.0/serilog.nuspec", "half-extracted: no marker");
        var installed = new InstalledPackages(temp.Path);

        Assert.IsTrue(installed.Holds("newtonsoft.json/13.0.3/lib/net6.0/Newtonsoft.Json.dll"));
        Assert.IsTrue(installed.Holds("newtonsoft.json/13.0.3/"));
        Assert.IsFalse(installed.Holds("serilog/4.2.0/lib/net8.0/Serilog.dll"), "a package without NuGet's completion marker is restored");
        Assert.IsFalse(installed.Holds("newtonsoft.json/"), "the id folder itself is merged, not kept");
        Assert.IsFalse(installed.Holds("newtonsoft.json/12.0.1/lib/a.dll"));
    }
}
