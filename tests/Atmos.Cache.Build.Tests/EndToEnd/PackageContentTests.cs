using System.IO.Compression;
using System.Reflection.PortableExecutable;
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
            "Sdk/Sdk.props",
            "Sdk/Sdk.targets",
            "build/Atmos.Cache.Build.props",
            "build/Atmos.Cache.Build.targets",
            "build/AtmosCache.Common.targets",
            "build/AtmosCache.Session.proj",
            "buildMultiTargeting/Atmos.Cache.Build.props",
            "buildMultiTargeting/Atmos.Cache.Build.targets",
            "tasks/net10.0/Atmos.Cache.Build.deps.json",
            "tasks/net10.0/Atmos.Cache.Build.dll",
            "tasks/net10.0/Atmos.Cache.dll",
            "tasks/net10.0/ICSharpCode.SharpZipLib.dll",
            "tasks/net10.0/YamlDotNet.dll",
            "tasks/net10.0/ZstdSharp.dll",
            "tasks/net8.0/Atmos.Cache.Build.deps.json",
            "tasks/net8.0/Atmos.Cache.Build.dll",
            "tasks/net8.0/Atmos.Cache.dll",
            "tasks/net8.0/ICSharpCode.SharpZipLib.dll",
            "tasks/net8.0/YamlDotNet.dll",
            "tasks/net8.0/ZstdSharp.dll",
        }, files, string.Join("\n", files));
    }

    [TestMethod]
    [DataRow("tasks/net8.0/")]
    [DataRow("tasks/net10.0/")]
    public async Task EveryTaskAssemblyIsPrecompiledForLinuxX64(string folder)
    {
        using var zip = ZipFile.OpenRead(await PackageFeed.PackageAsync());
        var assemblies = zip.Entries.Where(e => e.FullName.StartsWith(folder, StringComparison.Ordinal) && e.FullName.EndsWith(".dll", StringComparison.Ordinal)).ToList();
        Assert.AreEqual(5, assemblies.Count);
        foreach (var entry in assemblies)
        {
            using var copy = new MemoryStream();
            using (var stream = entry.Open())
            {
                stream.CopyTo(copy);
            }

            copy.Position = 0;
            using var pe = new PEReader(copy);
            // A ReadyToRun image carries a managed native header, and (for Linux) a machine value
            // that is the x64 one xor'ed with the OS's ("IL only" images keep I386/AMD64).
            Assert.IsNotNull(pe.PEHeaders.CorHeader, entry.FullName);
            Assert.AreNotEqual(0, pe.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size, $"{entry.FullName} has no ReadyToRun header");
            Assert.AreEqual(LinuxX64Machine, (ushort)pe.PEHeaders.CoffHeader.Machine, entry.FullName);
        }
    }

    // IMAGE_FILE_MACHINE_AMD64 (0x8664) xor the Linux OS marker (0x7B79) used by crossgen2.
    private const ushort LinuxX64Machine = 0x8664 ^ 0x7B79;

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
