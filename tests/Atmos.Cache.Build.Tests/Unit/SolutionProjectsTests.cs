using Atmos.Cache.Build.Lifecycle;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Build.Tests.Unit;

[TestClass]
public sealed class SolutionProjectsTests
{
    private static string Configuration(params (string Path, bool Build)[] projects) =>
        "<SolutionConfiguration>" + string.Concat(projects.Select(p =>
            $"<ProjectConfiguration Project=\"{{{Guid.NewGuid()}}}\" AbsolutePath=\"{p.Path}\" BuildProjectInSolution=\"{(p.Build ? "True" : "False")}\">Debug|AnyCPU</ProjectConfiguration>")) +
        "</SolutionConfiguration>";

    [TestMethod]
    public void ListsTheProjectsTheConfigurationBuilds()
    {
        var a = Path.Combine(Path.GetTempPath(), "a", "A.csproj");
        var b = Path.Combine(Path.GetTempPath(), "b", "B.csproj");
        CollectionAssert.AreEqual(new[] { a }, SolutionProjects.Built(Configuration((a, true), (b, false))).ToArray());
    }

    [TestMethod]
    public void OutsideASolutionBuildThereAreNone()
    {
        Assert.AreEqual(0, SolutionProjects.Built(null).Count);
        Assert.AreEqual(0, SolutionProjects.Built("not xml").Count);
    }

    [TestMethod]
    public void OnlyProjectsWhoseNuGetImportsNameThePackageUseIt()
    {
        using var temp = new TempFolder();
        var uses = Project(temp, "Uses", "<Import Project=\"/packages/atmos.cache.build/1.0.0/build/Atmos.Cache.Build.targets\" />");
        var other = Project(temp, "Other", "<Import Project=\"/packages/other/1.0.0/build/Other.targets\" />");
        var unrestored = Path.Combine(temp.Path, "New", "New.csproj");
        CollectionAssert.AreEqual(new[] { uses }, SolutionProjects.UsingPackage([uses, other, unrestored], null, null).ToArray());
    }

    [TestMethod]
    public void TheArtifactsLayoutIsFoundFromTheCurrentProject()
    {
        using var temp = new TempFolder();
        var current = Path.Combine(temp.Path, "src", "Current", "Current.csproj");
        var sibling = Path.Combine(temp.Path, "src", "Sibling", "Sibling.csproj");
        var siblingObj = Path.Combine(temp.Path, "artifacts", "obj", "Sibling");
        Directory.CreateDirectory(siblingObj);
        File.WriteAllText(Path.Combine(siblingObj, "Sibling.csproj.nuget.g.targets"), "Atmos.Cache.Build.targets");
        var currentExtensions = Path.Combine(temp.Path, "artifacts", "obj", "Current") + Path.DirectorySeparatorChar;
        CollectionAssert.AreEqual(new[] { sibling }, SolutionProjects.UsingPackage([sibling], current, currentExtensions).ToArray());
    }

    private static string Project(TempFolder temp, string name, string imports)
    {
        var obj = Path.Combine(temp.Path, name, "obj");
        Directory.CreateDirectory(obj);
        File.WriteAllText(Path.Combine(obj, name + ".csproj.nuget.g.targets"), $"<Project>{imports}</Project>");
        return Path.Combine(temp.Path, name, name + ".csproj");
    }
}
