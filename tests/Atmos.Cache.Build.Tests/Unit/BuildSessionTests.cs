using Atmos.Cache.Build.Lifecycle;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Build.Tests.Unit;

/// <summary>
/// The end of a project build when a visited project has not begun its build: that project may only
/// be starting on another node, so the session looks again after a grace period before it takes the
/// save as never coming (and says so once).
/// </summary>
[TestClass]
public sealed class BuildSessionTests
{
    private const string Key = "session-key";
    private TempFolder _temp = null!;
    private string _app = null!;
    private string _lib = null!;
    private string _solution = null!;

    [TestInitialize]
    public void Initialize()
    {
        _temp = new TempFolder();
        _app = _temp.Combine("App", "App.csproj");
        _lib = _temp.Combine("Lib", "Lib.csproj");
        foreach (var project in new[] { _app, _lib })
        {
            // Both projects use the package (NuGet's import file names its targets).
            var import = Path.Combine(Path.GetDirectoryName(project)!, "obj", Path.GetFileName(project) + ".nuget.g.targets");
            Directory.CreateDirectory(Path.GetDirectoryName(import)!);
            File.WriteAllText(import, "<Import Project=\"x/Atmos.Cache.Build.targets\" />");
        }

        _solution = $"<SolutionConfiguration><ProjectConfiguration AbsolutePath=\"{_app}\" /><ProjectConfiguration AbsolutePath=\"{_lib}\" /></SolutionConfiguration>";
        Directory.CreateDirectory(Root);
    }

    [TestCleanup]
    public void Cleanup() => _temp.Dispose();

    private string Root => _temp.Combine("root");

    [TestMethod]
    public async Task AVisitedProjectWhoseBuildBeginsDuringTheGraceIsNotTakenAsStalled()
    {
        var id = Guid.NewGuid().ToString("N");
        var graceEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var graceOver = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ending = BuildSession.Join(id, Root, _ => { }, async token =>
        {
            graceEntered.TrySetResult();
            await graceOver.Task.WaitAsync(token);
        })!;
        var other = BuildSession.Join(id, Root, _ => { })!;
        await other.VisitAsync(_app, null, CancellationToken.None);
        (await ending.BeginProjectBuildAsync("lib|", restoreWanted: false, Key, CancellationToken.None)).Dispose();

        var end = ending.EndProjectBuildAsync(new ProjectBuildEnd("lib|", _lib, _solution, null), saveWanted: true, Key, CancellationToken.None);
        await graceEntered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        // The visited App begins its build on another node while Lib's end looks away.
        (await other.BeginProjectBuildAsync("app|", restoreWanted: false, Key, CancellationToken.None)).Dispose();
        graceOver.SetResult();
        var libEnd = await end.WaitAsync(TimeSpan.FromSeconds(60));
        var appEnd = await other.EndProjectBuildAsync(new ProjectBuildEnd("app|", _app, _solution, null), saveWanted: true, Key, CancellationToken.None);

        Assert.AreEqual(SaveVerdict.Deferred, libEnd.Verdict);
        Assert.IsFalse(libEnd.Stalled, libEnd.Reason);
        Assert.AreEqual(SaveVerdict.Save, appEnd.Verdict, "the last project build to end claims the save");
    }

    [TestMethod]
    public async Task AVisitedProjectThatStillHasNotBegunAfterTheGraceIsTakenAsStalledOnce()
    {
        var id = Guid.NewGuid().ToString("N");
        var graces = 0;
        var session = BuildSession.Join(id, Root, _ => { }, _ =>
        {
            graces++;
            return Task.CompletedTask;
        })!;
        await session.VisitAsync(_app, null, CancellationToken.None);

        var decisions = new List<SaveDecision>();
        foreach (var instance in new[] { "lib|net8.0", "lib|net10.0" })
        {
            (await session.BeginProjectBuildAsync(instance, restoreWanted: false, Key, CancellationToken.None)).Dispose();
            decisions.Add(await session.EndProjectBuildAsync(new ProjectBuildEnd(instance, _lib, _solution, null), saveWanted: true, Key, CancellationToken.None));
        }

        Assert.IsTrue(decisions.All(d => d.Verdict == SaveVerdict.Deferred));
        Assert.IsTrue(decisions[0].Stalled, "said after the grace");
        Assert.IsFalse(decisions[1].Stalled, "said once per build");
        Assert.AreEqual(1, graces, "the grace is spent only while the stall is still to be said");
        StringAssert.Contains(decisions[0].Reason, "App.csproj");
    }
}
