using Atmos.Cache.Errors;
using Atmos.Cache.Platform;
using Atmos.Cache.Tests.Archiving;
using Atmos.Cache.Tests.Support;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Platform;

/// <summary>
/// Windows and macOS's default APFS ignore case: two archive entries whose names differ only in case
/// would be one file there. Such an archive is refused as a whole (a restore is all or nothing, so
/// nothing is half-written); the same name spelled the same way twice is still a replace.
/// </summary>
[TestClass]
public sealed class CaseInsensitiveNamesTests
{
    public static IEnumerable<object[]> Collisions()
    {
        foreach (var platform in new[] { "windows", "macos" })
        {
            yield return [platform, "files", new RawTar().File("A.txt", "upper").File("a.txt", "lower"), "'a.txt'", "'A.txt'"];
            yield return [platform, "folders", new RawTar().File("Tools/x", "x").File("tools/y", "y"), "'tools'", "'Tools'"];
            yield return [platform, "file-and-folder", new RawTar().File("bin", "file").Folder("BIN/"), "'BIN'", "'bin'"];
        }
    }

    public static string Name(System.Reflection.MethodInfo method, object[] data) => $"{method.Name}({data[0]}, {data[1]})";

    [TestMethod]
    [DynamicData(nameof(Collisions), DynamicDataDisplayName = nameof(Name))]
    public async Task NamesDifferingOnlyInCaseAreRefusedAndTheRootIsUnchanged(string platform, string label, RawTar archive, string later, string earlier)
    {
        using var temp = new TempFolder();
        var root = PlatformRestore.ExistingRoot(temp);
        var before = TreeListing.Of(root);

        var error = await Assert.ThrowsExactlyAsync<CacheArchiveException>(
            () => PlatformRestore.ExtractAsync(PlatformRestore.Named(platform), temp, archive, root));

        StringAssert.Contains(error.Message, $"has the name {later}, which differs only in case from {earlier}", label);
        TreeListing.AssertSame(before, TreeListing.Of(root));
    }

    [TestMethod]
    [DataRow("windows")]
    [DataRow("macos")]
    public async Task TheSameNameTwiceIsAReplaceWhereCaseIsIgnored(string platform)
    {
        using var temp = new TempFolder();
        var root = temp.Combine("root");

        await PlatformRestore.ExtractAsync(PlatformRestore.Named(platform), temp, new RawTar().File("Tools/a.txt", "first").File("Tools/a.txt", "second"), root);

        Assert.AreEqual("second", File.ReadAllText(Path.Combine(root, "Tools", "a.txt")));
    }

    [TestMethod]
    public async Task NamesDifferingOnlyInCaseAreTwoFilesOnLinux()
    {
        if (FilePlatform.Host.IgnoresCase)
        {
            Assert.Inconclusive("This machine's file system ignores case: it cannot hold both names.");
            return;
        }

        using var temp = new TempFolder();
        var root = temp.Combine("root");

        await PlatformRestore.ExtractAsync(FilePlatform.Linux, temp, new RawTar().File("A.txt", "upper").File("a.txt", "lower"), root);

        Assert.AreEqual("upper", File.ReadAllText(Path.Combine(root, "A.txt")));
        Assert.AreEqual("lower", File.ReadAllText(Path.Combine(root, "a.txt")));
    }
}
