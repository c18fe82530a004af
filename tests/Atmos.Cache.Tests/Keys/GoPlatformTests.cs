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

    [TestMethod]
    public void CurrentPlatformUsesGoNames()
    {
        Assert.AreEqual(KeyExpectations.Os, GoPlatform.Os);
        Assert.AreEqual(KeyExpectations.Arch, GoPlatform.Arch);
    }
}
