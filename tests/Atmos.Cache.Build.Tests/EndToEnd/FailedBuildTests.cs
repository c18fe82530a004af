using Atmos.Cache.Build.Tests.Support;

namespace Atmos.Cache.Build.Tests.EndToEnd;

/// <summary>A build that fails never reaches "finished", so nothing incomplete is saved under the write-once key.</summary>
[TestClass]
public sealed class FailedBuildTests
{
    [TestMethod]
    public async Task NothingIsSavedAfterAFailedBuild()
    {
        using var workspace = await Workspace.CreateAsync();
        workspace.AddProject("Good");
        workspace.AddProject("App", "net10.0", "Good");
        workspace.Write("App/Broken.cs", "namespace App; public class Broken { this does not compile }");
        var cache = workspace.NewCache("failed");

        var build = await workspace.DotNetAsync(cache, "build", "App/App.csproj", "-v:n");

        Assert.AreNotEqual(0, build.ExitCode, "the build must fail");
        Assert.AreEqual(1, Summaries.Restores(build), build.Tail());
        Assert.AreEqual(0, Summaries.Saves(build), build.Tail());
        Assert.AreEqual(0, cache.Archives().Count);
    }
}
