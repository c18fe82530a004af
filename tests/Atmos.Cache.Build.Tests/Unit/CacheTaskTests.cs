using Atmos.Cache.Build.Lifecycle;
using Atmos.Cache.Build.Logging;
using Atmos.Cache.Build.Tasks;
using Atmos.Cache.Build.Tests.Support;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Microsoft.Build.Framework;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Build.Tests.Unit;

[TestClass]
public sealed class CacheTaskTests
{
    private TempFolder _temp = null!;
    private Dictionary<string, string> _variables = null!;

    [TestInitialize]
    public void Setup()
    {
        _temp = new TempFolder();
        _variables = [];
        TestBackends.Reset();
    }

    [TestCleanup]
    public void Cleanup() => _temp.Dispose();

    private string Root => _temp.Combine("root");

    private CacheConfig Config(string backend, AutoMode auto = AutoMode.Both, bool failOnError = false) => new()
    {
        Root = Root,
        Key = "unit-key",
        RestoreKeys = ["unit-"],
        Backend = backend,
        Auto = auto,
        FailOnError = failOnError,
        LocalDirectory = _temp.Combine("store"),
        WorkingDirectory = _temp.Path,
    };

    private T Task<T>(CacheConfig config, FakeBuildEngine engine, string? session = null) where T : CacheTask, new() => new()
    {
        BuildEngine = engine,
        SessionId = session,
        Environment = new DictionaryEnvironment(_variables),
        ResolveConfiguration = (_, _) => config,
        Backends = TestBackends.Catalog,
    };

    [TestMethod]
    public void RestoreMissLogsOneHighLineAndWritesTheStepOutputs()
    {
        var output = _temp.Combine("github-output");
        _variables[Output.GitHubOutputFile.Variable] = output;
        var engine = new FakeBuildEngine();
        var task = Task<RestoreCiCache>(Config(BackendNames.Local), engine);

        Assert.IsTrue(task.Execute());

        CollectionAssert.AreEqual(new[] { "Atmos cache [atmos]: miss for 'unit-key'" }, engine.MessagesAt(MessageImportance.High).Select(m => m[..m.IndexOf(": nothing", StringComparison.Ordinal)]).ToArray());
        Assert.IsFalse(task.CacheHit);
        Assert.AreEqual("unit-key", task.CacheKey);
        Assert.AreEqual("cache-hit=false\ncache-matched-key=\n", File.ReadAllText(output));
        Assert.AreEqual(0, engine.Warnings.Count);
    }

    [TestMethod]
    public async Task AStepOutputFileThatCannotBeWrittenIsAWarningEvenInsideABuildSession()
    {
        var folderNotFile = _temp.Combine("not-a-file");
        Directory.CreateDirectory(folderNotFile);
        _variables[Output.GitHubOutputFile.Variable] = folderNotFile;
        var engine = new FakeBuildEngine();
        var task = Task<RestoreCiCache>(Config(BackendNames.Local), engine, Guid.NewGuid().ToString("N"));

        // The warning path opens the build ledger again; it must not wait on the restore's own lock.
        var succeeded = await System.Threading.Tasks.Task.Run(task.Execute).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.IsTrue(succeeded);
        Assert.AreEqual(DiagnosticCodes.GitHubOutputFailed, engine.Warnings.Single().Code);
    }

    [TestMethod]
    public void WithoutABackendNothingHappensAndALowMessageSaysWhy()
    {
        var engine = new FakeBuildEngine();
        var task = Task<RestoreCiCache>(Config(BackendNames.None), engine);

        Assert.IsTrue(task.Execute());

        Assert.AreEqual(0, engine.Warnings.Count + engine.Errors.Count);
        Assert.AreEqual(0, engine.MessagesAt(MessageImportance.High).Count());
        Assert.IsTrue(engine.MessagesAt(MessageImportance.Low).Any(m => m.Contains("backend is 'none'", StringComparison.Ordinal)));
        Assert.IsFalse(Directory.Exists(Root), "no backend: the root is not touched");
    }

    [TestMethod]
    public void BackendFailuresAreCodedWarningsThatDoNotFailTheBuild()
    {
        var engine = new FakeBuildEngine();
        Assert.IsTrue(Task<RestoreCiCache>(Config(TestBackends.Failing), engine).Execute());

        var warning = engine.Warnings.Single();
        Assert.AreEqual(DiagnosticCodes.RestoreFailed, warning.Code);
        StringAssert.Contains(warning.Message, "503");
        Assert.AreEqual(0, engine.Errors.Count);
    }

    [TestMethod]
    public void FailOnErrorTurnsBackendFailuresIntoErrors()
    {
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, "content.txt"), "x");
        var engine = new FakeBuildEngine();
        Assert.IsFalse(Task<SaveCiCache>(Config(TestBackends.Failing, failOnError: true), engine).Execute());
        Assert.AreEqual(DiagnosticCodes.SaveFailed, engine.Errors.Single().Code);
        Assert.AreEqual(0, engine.Warnings.Count);
    }

    [TestMethod]
    public void ConfigurationMistakesAreErrorsThatSayWhatToChange()
    {
        var engine = new FakeBuildEngine();
        var task = new RestoreCiCache
        {
            BuildEngine = engine,
            Environment = new DictionaryEnvironment(_variables),
            ResolveConfiguration = (_, _) => throw new CacheConfigurationException("Unknown automatic mode 'sometimes'. Set AtmosCacheAuto to off, restore, save or both."),
        };

        Assert.IsFalse(task.Execute());
        var error = engine.Errors.Single();
        Assert.AreEqual(DiagnosticCodes.ConfigurationError, error.Code);
        StringAssert.Contains(error.Message, "Set AtmosCacheAuto");
    }

    [TestMethod]
    public void AWarningIsGivenOncePerBuildSession()
    {
        var session = Guid.NewGuid().ToString("N");
        var engine = new FakeBuildEngine();
        foreach (var prefix in new[] { "a", "b" })
        {
            var task = Task<ListCiCache>(Config(TestBackends.Failing), engine, session);
            task.Prefix = prefix;
            Assert.IsTrue(task.Execute());
        }

        Assert.AreEqual(DiagnosticCodes.AdminFailed, engine.Warnings.Single().Code);
        Assert.IsTrue(engine.MessagesAt(MessageImportance.Low).Any(m => m.Contains("already reported in this build", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void ARestoreThatFailsOnTheServiceSkipsTheSaveOfTheSameBuild()
    {
        var session = Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, "content.txt"), "x");
        var engine = new FakeBuildEngine();
        Assert.IsTrue(Task<RestoreCiCache>(Config(TestBackends.Failing), engine, session).Execute());
        var save = Task<SaveCiCache>(Config(TestBackends.Failing), engine, session);

        Assert.IsTrue(save.Execute());

        Assert.AreEqual(DiagnosticCodes.RestoreFailed, engine.Warnings.Single().Code, "one warning for the outage, not a second for the save");
        Assert.IsFalse(save.Saved);
        StringAssert.Contains(save.SkipReason, "failed during this build's restore");
        Assert.AreEqual(1, engine.MessagesAt(MessageImportance.High).Count(m => m.StartsWith("Atmos cache [atmos]: not saved 'unit-key'", StringComparison.Ordinal)), "the missed save is said at the summary's importance");
    }

    [TestMethod]
    public void TheSaveUsesTheKeyThisBuildsRestoreResolved()
    {
        var session = Guid.NewGuid().ToString("N");
        var engine = new FakeBuildEngine();
        Assert.IsTrue(Task<RestoreCiCache>(Config(BackendNames.Local) with { Key = "key-at-restore" }, engine, session).Execute());
        // What a prefix hit does: the files the key hashes changed, so resolving again gives another key.
        File.WriteAllText(Path.Combine(Root, "content.txt"), "x");
        var save = Task<SaveCiCache>(Config(BackendNames.Local) with { Key = "key-at-save" }, engine, session);

        Assert.IsTrue(save.Execute());

        Assert.AreEqual("key-at-restore", save.CacheKey);
        Assert.IsTrue(save.Saved);
        Assert.AreEqual(1, engine.MessagesAt(MessageImportance.High).Count(m => m.StartsWith("Atmos cache [atmos]: saved 'key-at-restore'", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void TheSettingsReachTheResolverAndTheWorkingFolderDefaultsToTheProjectFolder()
    {
        CacheSettings? seen = null;
        var engine = new FakeBuildEngine { ProjectFileOfTaskNode = _temp.Combine("proj", "P.csproj") };
        var task = new CiCachePaths
        {
            BuildEngine = engine,
            Key = "k-{{ .OS }}",
            RestoreKeys = "a;b",
            Paths = "x;y",
            Backend = "local",
            Environment = new DictionaryEnvironment(_variables),
            ResolveConfiguration = (settings, _) => { seen = settings; return Config(BackendNames.None); },
        };

        Assert.IsTrue(task.Execute());
        Assert.AreEqual("k-{{ .OS }}", seen!.Key);
        Assert.AreEqual("a;b", seen.RestoreKeys);
        Assert.AreEqual("x;y", seen.Paths);
        Assert.AreEqual("local", seen.Backend);
        Assert.AreEqual(_temp.Combine("proj"), seen.WorkingDirectory);
    }

    [TestMethod]
    public void TheSettingsItemListReachesTheResolverAndWinsOverEmptyProperties()
    {
        CacheSettings? seen = null;
        var engine = new FakeBuildEngine();
        var task = new CiCachePaths
        {
            BuildEngine = engine,
            Key = "from-property",
            Settings =
            [
                Setting("Key", "from-item;with%3Bescapes"),
                Setting("Root", "r"),
                Setting("Backend", ""),
                Setting("WorkingDirectory", _temp.Combine("w")),
            ],
            Backend = "local",
            Environment = new DictionaryEnvironment(_variables),
            ResolveConfiguration = (settings, _) => { seen = settings; return Config(BackendNames.None); },
        };

        Assert.IsTrue(task.Execute());
        Assert.AreEqual("from-item;with;escapes", seen!.Key);
        Assert.AreEqual("r", seen.Root);
        Assert.AreEqual("local", seen.Backend, "an empty item value leaves the property");
        Assert.AreEqual(_temp.Combine("w"), seen.WorkingDirectory);
    }

    [TestMethod]
    public void AHashFilesPatternThatMatchesNothingIsNamedOnceByTheRestore()
    {
        var session = Guid.NewGuid().ToString("N");
        var engine = new FakeBuildEngine();
        var config = Config(BackendNames.Local) with { UnmatchedFilePatterns = ["pakages.lock.json"] };
        Assert.IsTrue(Task<RestoreCiCache>(config, engine, session).Execute());
        Assert.IsTrue(Task<RestoreCiCache>(config, engine, session).Execute());

        Assert.AreEqual(1, engine.MessagesAt(MessageImportance.Normal).Count(m => m.Contains("'pakages.lock.json'", StringComparison.Ordinal) && m.Contains("matches no file", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task WaitingForAnotherProjectsRestoreSaysSoOnce()
    {
        var session = Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(Root);
        var engine = new FakeBuildEngine();
        // Another project of the build holds the ledger (as a running restore does).
        var other = Lifecycle.BuildSession.Join(session, Root, _ => { })!;
        var claim = await other.BeginProjectBuildAsync("other|", restoreWanted: true, "unit-key", CancellationToken.None);
        Assert.IsTrue(claim.IsGranted);
        var task = Task<RestoreCiCache>(Config(BackendNames.Local), engine, session);
        task.Automatic = true;
        task.BuildInstance = "waiting|";
        var waitingSaid = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        engine.MessageLogged += e => { if (e.Message?.Contains("waiting for another project", StringComparison.Ordinal) == true) { waitingSaid.TrySetResult(); } };
        var running = System.Threading.Tasks.Task.Run(task.Execute);

        await waitingSaid.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.IsFalse(running.IsCompleted, "the task waits while the ledger is held");
        claim.Dispose();
        Assert.IsTrue(await running.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.AreEqual(1, engine.MessagesAt(MessageImportance.Normal).Count(m => m.Contains("waiting for another project", StringComparison.Ordinal)));
        StringAssert.Contains(task.SkipReason, "already done in this build");
    }

    [TestMethod]
    public void ASaveLeftWaitingForAVisitedProjectThatNeverBuiltIsSaidOnceAtHighImportance()
    {
        var session = Guid.NewGuid().ToString("N");
        var engine = new FakeBuildEngine();
        var app = _temp.Combine("App", "App.csproj");
        var lib = _temp.Combine("Lib", "Lib.csproj");
        foreach (var project in new[] { app, lib })
        {
            // Both projects use the package (NuGet's import file names its targets).
            var import = Path.Combine(Path.GetDirectoryName(project)!, "obj", Path.GetFileName(project) + ".nuget.g.targets");
            Directory.CreateDirectory(Path.GetDirectoryName(import)!);
            File.WriteAllText(import, "<Import Project=\"x/Atmos.Cache.Build.targets\" />");
        }

        var solution = $"<SolutionConfiguration><ProjectConfiguration AbsolutePath=\"{app}\" /><ProjectConfiguration AbsolutePath=\"{lib}\" /></SolutionConfiguration>";
        var visit = Task<AtmosCacheVisit>(Config(BackendNames.Local), engine, session);
        visit.ProjectPath = app;
        Assert.IsTrue(visit.Execute());
        for (var round = 0; round < 2; round++)
        {
            Assert.IsTrue(Task<RestoreCiCache>(Config(BackendNames.Local), engine, session).Execute());
            var save = Task<SaveCiCache>(Config(BackendNames.Local), engine, session);
            save.Automatic = true;
            save.BuildInstance = lib + "|";
            save.ProjectPath = lib;
            save.SolutionConfiguration = solution;
            Assert.IsTrue(save.Execute());
            Assert.IsTrue(save.Deferred);
        }

        var lines = engine.MessagesAt(MessageImportance.High).Where(m => m.StartsWith("Atmos cache: not saved yet", StringComparison.Ordinal)).ToList();
        Assert.AreEqual(1, lines.Count, string.Join('\n', engine.MessagesAt(MessageImportance.High)));
        StringAssert.Contains(lines[0], "App.csproj");
        StringAssert.Contains(lines[0], "-t:SaveCiCache");
    }

    [TestMethod]
    public void ASaveLeftWaitingForAProjectTheBuildHasNotReachedStaysQuiet()
    {
        var session = Guid.NewGuid().ToString("N");
        var engine = new FakeBuildEngine();
        var next = _temp.Combine("Next", "Next.csproj");
        var import = Path.Combine(Path.GetDirectoryName(next)!, "obj", "Next.csproj.nuget.g.targets");
        Directory.CreateDirectory(Path.GetDirectoryName(import)!);
        File.WriteAllText(import, "<Import Project=\"x/Atmos.Cache.Build.targets\" />");
        var save = Task<SaveCiCache>(Config(BackendNames.Local), engine, session);
        save.Automatic = true;
        save.ProjectPath = _temp.Combine("First", "First.csproj");
        save.SolutionConfiguration = $"<SolutionConfiguration><ProjectConfiguration AbsolutePath=\"{next}\" /></SolutionConfiguration>";

        Assert.IsTrue(save.Execute());

        Assert.IsTrue(save.Deferred);
        Assert.AreEqual(0, engine.MessagesAt(MessageImportance.High).Count());
    }

    private static Microsoft.Build.Utilities.TaskItem Setting(string name, string value)
    {
        var item = new Microsoft.Build.Utilities.TaskItem(name);
        item.SetMetadata("Value", value);
        return item;
    }

    [TestMethod]
    public void AutomaticRestoreFollowsTheAutomaticMode()
    {
        var engine = new FakeBuildEngine();
        var task = Task<RestoreCiCache>(Config(BackendNames.Local, AutoMode.Save), engine, Guid.NewGuid().ToString("N"));
        task.Automatic = true;
        task.BuildInstance = "p|net10.0";

        Assert.IsTrue(task.Execute());
        StringAssert.Contains(task.SkipReason, "automatic restore is off");
        Assert.AreEqual(0, engine.MessagesAt(MessageImportance.High).Count());
    }

    [TestMethod]
    public void TheRestoreRunsOncePerBuildSession()
    {
        var session = Guid.NewGuid().ToString("N");
        var engine = new FakeBuildEngine();
        foreach (var instance in new[] { "a|", "b|" })
        {
            var task = Task<RestoreCiCache>(Config(BackendNames.Local), engine, session);
            task.Automatic = true;
            task.BuildInstance = instance;
            Assert.IsTrue(task.Execute());
        }

        Assert.AreEqual(1, engine.MessagesAt(MessageImportance.High).Count(m => m.StartsWith("Atmos cache [atmos]: miss for", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task TheSaveWaitsUntilEveryOpenProjectBuildFinished()
    {
        var session = Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, "content.txt"), "x");
        var engine = new FakeBuildEngine();
        Start("app|");
        Start("lib|");

        var lib = Finish("lib|", _temp.Combine("lib", "Lib.csproj"));
        Assert.IsTrue(lib.Deferred, "the entry project is still open");
        Assert.IsFalse(lib.Saved);

        var app = Finish("app|", _temp.Combine("app", "App.csproj"));
        Assert.IsFalse(app.Deferred);
        Assert.IsTrue(app.Saved);
        Assert.AreEqual(1, engine.MessagesAt(MessageImportance.High).Count(m => m.StartsWith("Atmos cache [atmos]: saved 'unit-key'", StringComparison.Ordinal)));

        using var ledger = await BuildLedger.OpenAsync(Root, session, CancellationToken.None);
        Assert.AreEqual(0, ledger.State.Open.Count);

        void Start(string instance)
        {
            var task = Task<RestoreCiCache>(Config(BackendNames.Local), engine, session);
            task.Automatic = true;
            task.BuildInstance = instance;
            Assert.IsTrue(task.Execute());
        }

        SaveCiCache Finish(string instance, string project)
        {
            var task = Task<SaveCiCache>(Config(BackendNames.Local), engine, session);
            task.Automatic = true;
            task.BuildInstance = instance;
            task.ProjectPath = project;
            Assert.IsTrue(task.Execute());
            return task;
        }
    }

    [TestMethod]
    public void InASolutionBuildTheSaveWaitsForSolutionProjectsThatUseThePackage()
    {
        var session = Guid.NewGuid().ToString("N");
        var first = _temp.Combine("First", "First.csproj");
        var second = _temp.Combine("Second", "Second.csproj");
        Directory.CreateDirectory(_temp.Combine("Second", "obj"));
        File.WriteAllText(_temp.Combine("Second", "obj", "Second.csproj.nuget.g.targets"), "<Import Project=\"x/build/Atmos.Cache.Build.targets\" />");
        var solution = $"<SolutionConfiguration><ProjectConfiguration AbsolutePath=\"{first}\" BuildProjectInSolution=\"True\" /><ProjectConfiguration AbsolutePath=\"{second}\" BuildProjectInSolution=\"True\" /></SolutionConfiguration>";
        var engine = new FakeBuildEngine();

        var task = Task<SaveCiCache>(Config(BackendNames.Local), engine, session);
        task.Automatic = true;
        task.BuildInstance = "first|";
        task.ProjectPath = first;
        task.SolutionConfiguration = solution;
        Assert.IsTrue(task.Execute());

        Assert.IsTrue(task.Deferred);
        StringAssert.Contains(task.SkipReason, "Second.csproj");
    }

    [TestMethod]
    public async Task CancellingTheBuildStopsAWaitingOperation()
    {
        var engine = new FakeBuildEngine();
        var task = Task<RestoreCiCache>(Config(TestBackends.Blocking), engine);
        var run = System.Threading.Tasks.Task.Run(task.Execute);
        await TestBackends.Entered.Task;

        task.Cancel();

        await run;
        Assert.AreEqual(0, engine.Warnings.Count + engine.Errors.Count);
        Assert.IsTrue(engine.Messages.Any(m => m.Message!.Contains("restore cancelled", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void CiCachePathsPrintsJsonWithoutABackend()
    {
        var engine = new FakeBuildEngine();
        var task = Task<CiCachePaths>(Config(BackendNames.None), engine);
        task.Format = "json";

        Assert.IsTrue(task.Execute());
        Assert.AreEqual("unit-key", task.CacheKey);
        Assert.AreEqual(Root, task.CachePathItems.Single().ItemSpec);
        StringAssert.Contains(string.Join("\n", engine.MessagesAt(MessageImportance.High)), "\"key\": \"unit-key\"");
    }

    [TestMethod]
    public void CiCachePathsGitHubFormatAppendsToTheOutputFile()
    {
        var output = _temp.Combine("github-output");
        _variables[Output.GitHubOutputFile.Variable] = output;
        var engine = new FakeBuildEngine();

        Assert.IsTrue(Task<CiCachePaths>(Config(BackendNames.None), engine).Execute());
        var text = File.ReadAllText(output);
        StringAssert.StartsWith(text, "key=unit-key\npath<<ATMOS_EOF_path\n");
        StringAssert.Contains(text, "restore-keys=unit-\n");
    }

    [TestMethod]
    public void DeleteWithoutAKeyIsAConfigurationError()
    {
        var engine = new FakeBuildEngine();
        Assert.IsFalse(Task<DeleteCiCache>(Config(BackendNames.Local), engine).Execute());
        Assert.AreEqual(DiagnosticCodes.ConfigurationError, engine.Errors.Single().Code);
    }

    [TestMethod]
    public void ListReportsAnEmptyStoreAsNoItems()
    {
        var engine = new FakeBuildEngine();
        var task = Task<ListCiCache>(Config(BackendNames.Local), engine);
        Assert.IsTrue(task.Execute());
        Assert.AreEqual(0, task.Entries.Length);
        StringAssert.StartsWith(engine.MessagesAt(MessageImportance.High).Single(), "Atmos cache: 0 entries");
    }

    [TestMethod]
    public void ARestoreKeyThatFailedToRenderIsOneCodedWarningPerBuildNamingIt()
    {
        var session = Guid.NewGuid().ToString("N");
        var engine = new FakeBuildEngine();
        var config = Config(BackendNames.Local) with
        {
            SkippedRestoreKeys = [new SkippedRestoreKey("bad-{{ now }}", "function \"now\" not defined")],
        };
        foreach (var instance in new[] { "a|", "b|" })
        {
            var task = Task<RestoreCiCache>(config, engine, session);
            task.Automatic = true;
            task.BuildInstance = instance;
            Assert.IsTrue(task.Execute(), "a restore key that cannot be rendered does not fail the build");
        }

        var warning = engine.Warnings.Single();
        Assert.AreEqual(DiagnosticCodes.RestoreKeySkipped, warning.Code);
        StringAssert.Contains(warning.Message, "\"bad-{{ now }}\"");
        StringAssert.Contains(warning.Message, "function \"now\" not defined");
        Assert.AreEqual(0, engine.Errors.Count);
    }

    [TestMethod]
    public void TheBaseFolderPropertiesReachTheResolver()
    {
        CacheSettings? seen = null;
        var task = new CiCachePaths
        {
            BuildEngine = new FakeBuildEngine(),
            BaseDirectory = "base",
            DefaultBaseDirectory = "solution",
            Environment = new DictionaryEnvironment(_variables),
            ResolveConfiguration = (settings, _) => { seen = settings; return Config(BackendNames.None); },
        };

        Assert.IsTrue(task.Execute());
        Assert.AreEqual("base", seen!.BaseDirectory);
        Assert.AreEqual("solution", seen.DefaultBaseDirectory);
    }

    [TestMethod]
    public void ListReportsEntriesAsItems()
    {
        var engine = new FakeBuildEngine();
        var task = Task<ListCiCache>(Config(TestBackends.Listing), engine);

        Assert.IsTrue(task.Execute());

        Assert.AreEqual(2, task.Entries.Length);
        var first = task.Entries[0];
        Assert.AreEqual("atmos-cache-linux-amd64-1", first.ItemSpec);
        Assert.AreEqual("327127266", first.GetMetadata("Size"));
        Assert.AreEqual("2026-03-04T05:06:07.0000000+00:00", first.GetMetadata("CreatedAt"));
        Assert.AreEqual("v-gzip", first.GetMetadata("Version"));
        Assert.AreEqual("42", first.GetMetadata("Id"));
        var second = task.Entries[1];
        Assert.AreEqual("atmos-cache-linux-amd64-0", second.ItemSpec);
        Assert.AreEqual("1023", second.GetMetadata("Size"));
        Assert.AreEqual("", second.GetMetadata("CreatedAt"), "an unknown creation time is empty");
        Assert.AreEqual("v-zstd", second.GetMetadata("Version"));
        CollectionAssert.AreEqual(
            new[]
            {
                "Atmos cache: 2 entries in the test/listing cache",
                "  atmos-cache-linux-amd64-1  312.0 MiB  2026-03-04 05:06:07Z",
                "  atmos-cache-linux-amd64-0  1023 B  unknown time",
            },
            engine.MessagesAt(MessageImportance.High).ToArray());
    }

    [TestMethod]
    public void TheSessionIsAskedForWithoutGlobalPropertiesOncePerNodeAndBuild()
    {
        var engine = new FakeBuildEngine { BuildAnswer = "0123abcd" };
        engine.GlobalProperties["Configuration"] = "Release";
        engine.GlobalProperties["TargetFramework"] = "net10.0";
        var first = new AtmosCacheSession { BuildEngine = engine, SessionProject = "/x/AtmosCache.Session.proj" };
        var second = new AtmosCacheSession { BuildEngine = engine, SessionProject = "/x/AtmosCache.Session.proj" };

        Assert.IsTrue(first.Execute());
        Assert.IsTrue(second.Execute());

        Assert.AreEqual("0123abcd", first.SessionId);
        Assert.AreEqual("0123abcd", second.SessionId);
        var request = engine.BuildRequests.Single();
        Assert.AreEqual(("/x/AtmosCache.Session.proj", "GetSession"), (request.Project, request.Target));
        CollectionAssert.AreEquivalent(new[] { "Configuration", "TargetFramework" }, request.Removed);
    }

    [TestMethod]
    public async Task AnUntrustedEntryIsOneCodedWarningNamingItsKeyAndTheRestoreIsAMiss()
    {
        var unsigned = Config(BackendNames.Local) with { Root = _temp.Combine("unsigned-root") };
        Directory.CreateDirectory(unsigned.Root);
        File.WriteAllText(Path.Combine(unsigned.Root, "tool"), "unsigned content");
        await new Operations.CacheManager(new Backends.Local.LocalBackend(unsigned.LocalDirectory), unsigned).SaveAsync();
        var engine = new FakeBuildEngine();
        var task = Task<RestoreCiCache>(Config(BackendNames.Local) with { Signer = new Archiving.Integrity.EntrySigner("team-secret") }, engine);

        Assert.IsTrue(task.Execute());

        var warning = engine.Warnings.Single();
        Assert.AreEqual(DiagnosticCodes.EntryUntrusted, warning.Code);
        StringAssert.Contains(warning.Message, "'unit-key' is not signed");
        Assert.IsFalse(task.CacheHit);
        Assert.IsFalse(File.Exists(Path.Combine(Root, "tool")));
    }

    [TestMethod]
    public void FailOnMissIsAnErrorWithItsCodeOnlyWhenNothingMatched()
    {
        var engine = new FakeBuildEngine();
        var task = Task<RestoreCiCache>(Config(BackendNames.Local) with { FailOnMiss = true }, engine);

        Assert.IsFalse(task.Execute());

        Assert.AreEqual(DiagnosticCodes.RequiredCacheMissing, engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, "'unit-key'");
    }

    [TestMethod]
    public void ReadOnlySkipsTheSaveWithOneHighLine()
    {
        Directory.CreateDirectory(Root);
        var engine = new FakeBuildEngine();
        var task = Task<SaveCiCache>(Config(BackendNames.Local) with { ReadOnly = true }, engine);

        Assert.IsTrue(task.Execute());

        Assert.IsFalse(task.Saved);
        StringAssert.Contains(engine.MessagesAt(MessageImportance.High).Single(), "read-only");
        Assert.AreEqual(0, engine.Warnings.Count);
        Assert.IsFalse(Directory.Exists(_temp.Combine("store")));
    }
}
