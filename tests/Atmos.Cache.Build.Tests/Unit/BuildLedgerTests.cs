using Atmos.Cache.Build.Lifecycle;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Build.Tests.Unit;

[TestClass]
public sealed class BuildLedgerTests
{
    private static readonly string Session = Guid.NewGuid().ToString("N");

    [TestMethod]
    public async Task StateSurvivesReopeningTheSession()
    {
        using var root = new TempFolder();
        using (var ledger = await BuildLedger.OpenAsync(root.Path, Session, CancellationToken.None))
        {
            ledger.Start("a|net10.0");
            Assert.IsTrue(ledger.TryClaim("restore"));
            ledger.Save();
        }

        using (var ledger = await BuildLedger.OpenAsync(root.Path, Session, CancellationToken.None))
        {
            CollectionAssert.AreEqual(new[] { "a|net10.0" }, ledger.State.Open);
            Assert.IsFalse(ledger.TryClaim("restore"));
        }
    }

    [TestMethod]
    public async Task FinishRemovesOneStartAndRecordsTheProject()
    {
        using var root = new TempFolder();
        using var ledger = await BuildLedger.OpenAsync(root.Path, Session, CancellationToken.None);
        ledger.Start("p|x");
        ledger.Start("p|x");
        ledger.Finish("p|x", "/src/p.csproj");
        Assert.AreEqual(1, ledger.State.Open.Count);
        CollectionAssert.AreEqual(new[] { "/src/q.csproj" }, ledger.Unfinished(["/src/p.csproj", "/src/q.csproj"]).ToArray());
    }

    [TestMethod]
    public async Task AWarningCodeIsFirstOnlyOnce()
    {
        using var root = new TempFolder();
        using var ledger = await BuildLedger.OpenAsync(root.Path, Session, CancellationToken.None);
        Assert.IsTrue(ledger.FirstWarning("ATMOSCACHE001"));
        Assert.IsFalse(ledger.FirstWarning("ATMOSCACHE001"));
        Assert.IsTrue(ledger.FirstWarning("ATMOSCACHE002"));
    }

    [TestMethod]
    public async Task ASecondOpenWaitsUntilTheFirstIsDisposed()
    {
        using var root = new TempFolder();
        var first = await BuildLedger.OpenAsync(root.Path, Session, CancellationToken.None);
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = BuildLedger.OpenAsync(root.Path, Session, CancellationToken.None, () => waiting.TrySetResult());
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.IsFalse(second.IsCompleted, "the second open must wait for the lock");
        first.TryClaim("restore");
        first.Save();
        first.Dispose();
        using var reopened = await second;
        Assert.IsFalse(reopened.TryClaim("restore"), "the second sees what the first recorded");
    }

    [TestMethod]
    public async Task SessionIdsThatCouldEscapeTheFolderAreRefused()
    {
        using var root = new TempFolder();
        await Assert.ThrowsExactlyAsync<ArgumentException>(() => BuildLedger.OpenAsync(root.Path, "../x", CancellationToken.None));
    }
}
