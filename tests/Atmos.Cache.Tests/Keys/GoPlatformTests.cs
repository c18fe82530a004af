using System.Runtime.InteropServices;
using Atmos.Cache.Keys;

namespace Atmos.Cache.Tests.Keys;

[TestClass]
public sealed class GoPlatformTests
{
    [TestMethod]
    [DataRow(Architecture.X64, "amd64")]
    [DataRow(Architecture.Arm64, "arm64")]
    [DataRow(Architecture.X86, "386")]
    [DataRow(Architecture.Arm, "arm")]
    [DataRow(Architecture.S390x, "s390x")]
    [DataRow(Architecture.Ppc64le, "ppc64le")]
    [DataRow(Architecture.LoongArch64, "loong64")]
    public void ArchitecturesMapToGoArch(Architecture architecture, string goArch) =>
        Assert.AreEqual(goArch, GoPlatform.FromArchitecture(architecture));

    /// <summary>Go's documented GOARCH values (go.dev/doc/install/source).</summary>
    private static readonly string[] GoArchitectures =
        ["386", "amd64", "arm", "arm64", "loong64", "mips", "mipsle", "mips64", "mips64le", "ppc64", "ppc64le", "riscv64", "s390x", "wasm"];

    [TestMethod]
    public void EveryDotNetArchitectureMapsToADocumentedGoArch()
    {
        foreach (var architecture in Enum.GetValues<Architecture>())
        {
            CollectionAssert.Contains(GoArchitectures, GoPlatform.FromArchitecture(architecture), architecture.ToString());
        }
    }

    [TestMethod]
    public void CurrentPlatformIsWhatTheOperatingSystemReportsInGoNames()
    {
        Assert.AreEqual(KeyExpectations.Os, GoPlatform.Os);
        Assert.AreEqual(KeyExpectations.Arch, GoPlatform.Arch);
    }
}
