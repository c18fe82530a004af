using Atmos.Cache.Build.Output;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Build.Tests.Unit;

[TestClass]
public sealed class GitHubOutputFileTests
{
    [TestMethod]
    public void SingleLineValuesAreNameEqualsValue()
    {
        Assert.AreEqual("cache-hit=true\ncache-matched-key=k\n", GitHubOutputFile.Format([new("cache-hit", "true"), new("cache-matched-key", "k")]));
    }

    [TestMethod]
    public void MultiLineValuesUseTheHeredocForm()
    {
        Assert.AreEqual("path<<ATMOS_EOF_path\n/a/**\n!/a/b/**\nATMOS_EOF_path\n", GitHubOutputFile.Format([new("path", "/a/**\n!/a/b/**")]));
    }

    [TestMethod]
    public void AppendKeepsWhatOtherStepsWrote()
    {
        using var temp = new TempFolder();
        var file = temp.Combine("output");
        File.WriteAllText(file, "other=1\n");
        GitHubOutputFile.Append(file, [new("cache-hit", "false")]);
        Assert.AreEqual("other=1\ncache-hit=false\n", File.ReadAllText(file));
    }
}
