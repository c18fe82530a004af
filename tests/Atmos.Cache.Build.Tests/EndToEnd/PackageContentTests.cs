using System.IO.Compression;
using System.Xml.Linq;
using Atmos.Cache.Build.Tests.Support;

namespace Atmos.Cache.Build.Tests.EndToEnd;

[TestClass]
public sealed class PackageContentTests
{
    [TestMethod]
    public async Task ThePackageHoldsOnlyTheIntendedFiles()
    {
        using var zip = ZipFile.OpenRead(await PackageFeed.PackageAsync());
        var files = zip.Entries.Select(e => e.FullName)
            .Where(n => !n.StartsWith("_rels/", StringComparison.Ordinal) && !n.StartsWith("package/", StringComparison.Ordinal) && n != "[Content_Types].xml")
            .Order(StringComparer.Ordinal).ToArray();

        CollectionAssert.AreEqual(new[]
        {
            "Atmos.Cache.Build.nuspec",
            "README.md",
            "build/Atmos.Cache.Build.props",
            "build/Atmos.Cache.Build.targets",
            "build/AtmosCache.Session.proj",
            "buildMultiTargeting/Atmos.Cache.Build.props",
            "buildMultiTargeting/Atmos.Cache.Build.targets",
            "tasks/net8.0/Atmos.Cache.Build.deps.json",
            "tasks/net8.0/Atmos.Cache.Build.dll",
            "tasks/net8.0/Atmos.Cache.dll",
            "tasks/net8.0/ICSharpCode.SharpZipLib.dll",
            "tasks/net8.0/YamlDotNet.dll",
            "tasks/net8.0/ZstdSharp.dll",
        }, files, string.Join("\n", files));
    }

    [TestMethod]
    public async Task TheNuspecIsADevelopmentDependencyWithoutDependencies()
    {
        using var zip = ZipFile.OpenRead(await PackageFeed.PackageAsync());
        using var stream = zip.GetEntry("Atmos.Cache.Build.nuspec")!.Open();
        var nuspec = XDocument.Load(stream);
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.AreEqual("true", metadata.Elements().Single(e => e.Name.LocalName == "developmentDependency").Value);
        Assert.IsFalse(metadata.Elements().Any(e => e.Name.LocalName == "dependencies"), "no dependencies: everything the tasks need is inside");
        Assert.AreEqual("README.md", metadata.Elements().Single(e => e.Name.LocalName == "readme").Value);
    }
}
