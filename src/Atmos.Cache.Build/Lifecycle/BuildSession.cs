namespace Atmos.Cache.Build.Lifecycle;

/// <summary>
/// Every once-per-build rule of one build, in the order a build meets them (docs/lifecycle.md):
/// a project is visited, a project build begins and the first one claims the restore, a project
/// build ends and the one that completes the build claims the save, an operation is claimed once,
/// a warning code is given once, an outage stops the save, the restore's key is pinned for the save.
/// Each method takes the ledger's lock, applies its rule, writes the ledger and releases the lock
/// before it returns; only a granted restore claim keeps the lock, for the whole restore, so the
/// other projects of the build wait until the root is complete. Nothing here calls back into a
/// task while the lock is held, so a task cannot re-enter the ledger and wait for itself.
/// </summary>
internal sealed class BuildSession
{
    /// <summary>How long a task waits for the ledger before it says that it is waiting.</summary>
    internal static readonly TimeSpan WaitNoticeAfter = TimeSpan.FromSeconds(2);

    /// <summary>How long a project that ends looks away before it takes an unstarted project build as never coming.</summary>
    internal static readonly TimeSpan StallGrace = TimeSpan.FromSeconds(2);

    private readonly string _root;
    private readonly string _id;
    private readonly Action<string> _logWaiting;
    private readonly Func<CancellationToken, Task> _stallGrace;

    private BuildSession(string root, string id, Action<string> logWaiting, Func<CancellationToken, Task> stallGrace)
    {
        _root = root;
        _id = id;
        _logWaiting = logWaiting;
        _stallGrace = stallGrace;
    }

    /// <summary>
    /// The session of the current build, or null when the task runs outside one (no session id).
    /// <paramref name="stallGrace"/> replaces the wait of <see cref="StallGrace"/> (a seam for tests).
    /// </summary>
    public static BuildSession? Join(string? sessionId, string root, Action<string> logWaiting, Func<CancellationToken, Task>? stallGrace = null) =>
        string.IsNullOrWhiteSpace(sessionId)
            ? null
            : new BuildSession(root, sessionId.Trim(), logWaiting, stallGrace ?? (token => Task.Delay(StallGrace, token)));

    /// <summary>
    /// 1. A request reached a project (any target): it is known to this build from now on. A task in
    /// the entry process also records the solution filter the build was started with, if any.
    /// </summary>
    public async Task VisitAsync(string projectPath, string? solutionFilter, CancellationToken cancellationToken, string? assetsFile = null)
    {
        using var ledger = await OpenLedgerAsync(cancellationToken).ConfigureAwait(false);
        var changed = ledger.Visit(projectPath);
        if (!string.IsNullOrEmpty(assetsFile) && !ledger.State.AssetsFiles.Contains(assetsFile, BuildLedger.PathComparer))
        {
            ledger.State.AssetsFiles.Add(assetsFile);
            changed = true;
        }

        if (solutionFilter is not null && ledger.State.SolutionFilter is null)
        {
            ledger.State.SolutionFilter = solutionFilter;
            changed = true;
        }

        if (changed)
        {
            ledger.Save();
        }
    }

    /// <summary>
    /// 2. A project build begins (when <paramref name="buildInstance"/> is given) and, if the restore
    /// is wanted, claims this build's one restore and pins <paramref name="key"/> for the save.
    /// A granted claim holds the lock until it is disposed.
    /// </summary>
    public Task<RestoreClaim> BeginProjectBuildAsync(string? buildInstance, bool restoreWanted, string key, CancellationToken cancellationToken) =>
        BeginProjectBuildAsync(buildInstance, restoreWanted, SingleKey(key), cancellationToken);

    /// <inheritdoc cref="BeginProjectBuildAsync(string?, bool, string, CancellationToken)"/>
    public async Task<RestoreClaim> BeginProjectBuildAsync(string? buildInstance, bool restoreWanted, IReadOnlyDictionary<string, string> keys, CancellationToken cancellationToken)
    {
        var ledger = await OpenLedgerAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!string.IsNullOrEmpty(buildInstance))
            {
                ledger.Start(buildInstance);
            }

            if (!restoreWanted || !ledger.TryClaim("restore"))
            {
                ledger.Save();
                ledger.Dispose();
                return RestoreClaim.NotGranted(restoreWanted);
            }

            foreach (var (cache, key) in keys)
            {
                ledger.State.Keys[cache] = key;
            }

            ledger.Save();
            return RestoreClaim.Granted(ledger);
        }
        catch
        {
            ledger.Dispose();
            throw;
        }
    }

    /// <summary>
    /// 3. A project build ends; when that completes the build (no project build open, every
    /// solution project that uses the package finished) and the save is wanted, claims the one save.
    /// </summary>
    public Task<SaveDecision> EndProjectBuildAsync(ProjectBuildEnd end, bool saveWanted, string key, CancellationToken cancellationToken) =>
        EndProjectBuildAsync(end, saveWanted, SingleKey(key), cancellationToken);

    /// <inheritdoc cref="EndProjectBuildAsync(ProjectBuildEnd, bool, string, CancellationToken)"/>
    public async Task<SaveDecision> EndProjectBuildAsync(ProjectBuildEnd end, bool saveWanted, IReadOnlyDictionary<string, string> keys, CancellationToken cancellationToken)
    {
        var key = keys;
        var decision = await EndAsync(end, saveWanted, key, finishing: true, cancellationToken).ConfigureAwait(false);
        if (!decision.Stalled)
        {
            return decision;
        }

        // A project that a request reached but whose build has not begun may just be starting on another
        // node (its request arrived while this one ended): look again after a grace period, with the
        // ledger released, before saying that the build will end without the save.
        await _stallGrace(cancellationToken).ConfigureAwait(false);
        return await EndAsync(end, saveWanted, key, finishing: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SaveDecision> EndAsync(ProjectBuildEnd end, bool saveWanted, IReadOnlyDictionary<string, string> key, bool finishing, CancellationToken cancellationToken)
    {
        using var ledger = await OpenLedgerAsync(cancellationToken).ConfigureAwait(false);
        key = PinnedKeys(ledger, key);
        if (finishing)
        {
            ledger.Finish(end.BuildInstance, end.ProjectPath);
        }

        if (ledger.State.Open.Count > 0)
        {
            ledger.Save();
            return SaveDecision.Deferred(key, $"{ledger.State.Open.Count} project build(s) still running");
        }

        // Nothing is running. Only unfinished projects are inspected, so a serial build reads about one file per project.
        var unfinished = ledger.Unfinished(InThisBuild(ledger, SolutionProjects.Built(end.SolutionConfiguration)));
        var pending = SolutionProjects.UsingPackage(unfinished, end.ProjectPath, end.ProjectExtensionsPath).ToList();
        if (pending.Count > 0)
        {
            // A project that was visited but never finished ran without a build hook (its request is over),
            // unless another node is just starting it: the first look only suspects it, the second says it, once.
            var stalled = pending.All(ledger.WasVisited) && !ledger.State.NotSavedReported;
            if (!finishing)
            {
                ledger.State.NotSavedReported |= stalled;
            }

            ledger.Save();
            var names = string.Join(", ", pending.Take(3).Select(Path.GetFileName)) + (pending.Count > 3 ? $" and {pending.Count - 3} more" : "");
            return SaveDecision.Deferred(key, $"solution projects that use the package have not finished a build yet: {names}", stalled);
        }

        var decision = saveWanted ? Claim(ledger, key) : SaveDecision.Off(key);
        ledger.Save();
        return decision;
    }

    /// <summary>The explicit save (<c>-t:SaveCiCache</c>): claims the one save of this build.</summary>
    public Task<SaveDecision> ClaimSaveAsync(string key, CancellationToken cancellationToken) =>
        ClaimSaveAsync(SingleKey(key), cancellationToken);

    /// <inheritdoc cref="ClaimSaveAsync(string, CancellationToken)"/>
    public async Task<SaveDecision> ClaimSaveAsync(IReadOnlyDictionary<string, string> keys, CancellationToken cancellationToken)
    {
        using var ledger = await OpenLedgerAsync(cancellationToken).ConfigureAwait(false);
        var decision = Claim(ledger, PinnedKeys(ledger, keys));
        ledger.Save();
        return decision;
    }

    /// <summary>4. True the first time an operation (list, delete, paths...) is claimed in this build.</summary>
    public async Task<bool> ClaimAsync(string operation, CancellationToken cancellationToken)
    {
        using var ledger = await OpenLedgerAsync(cancellationToken).ConfigureAwait(false);
        var first = ledger.TryClaim(operation);
        ledger.Save();
        return first;
    }

    /// <summary>5. True the first time a warning code is given in this build.</summary>
    public async Task<bool> FirstWarningAsync(string code, CancellationToken cancellationToken)
    {
        using var ledger = await OpenLedgerAsync(cancellationToken).ConfigureAwait(false);
        var first = ledger.FirstWarning(code);
        ledger.Save();
        return first;
    }

    // A solution filter build lists the whole solution, but builds only the filter's projects.
    private static IEnumerable<string> InThisBuild(BuildLedger ledger, IReadOnlyList<string> solutionProjects) =>
        ledger.State.SolutionFilter is { } filter && SolutionFilter.Projects(filter) is { } filtered
            ? solutionProjects.Where(p => filtered.Contains(p, BuildLedger.PathComparer))
            : solutionProjects;

    // 6. The restore pins each cache's key: a prefix hit may bring back older files the key hashes, and the
    // save must still name what this build's restore looked for (as the Atmos CLI resolves it once per run).
    private static IReadOnlyDictionary<string, string> PinnedKeys(BuildLedger ledger, IReadOnlyDictionary<string, string> keys) =>
        keys.ToDictionary(k => k.Key, k => ledger.State.Keys.TryGetValue(k.Key, out var pinned) && pinned.Length > 0 ? pinned : k.Value, StringComparer.Ordinal);

    // 7. One save per build, and none for a cache whose restore met an outage: the restore's warning already
    // said the build runs without it.
    private static SaveDecision Claim(BuildLedger ledger, IReadOnlyDictionary<string, string> keys)
    {
        if (!ledger.TryClaim("save"))
        {
            return SaveDecision.AlreadyDone(keys);
        }

        var outages = keys.Keys.Where(cache => ledger.State.Outages.Contains(cache, StringComparer.Ordinal)).ToList();
        var decision = outages.Count == keys.Count && keys.Count > 0 ? SaveDecision.Blocked(keys) : SaveDecision.Granted(keys);
        return decision with { Outages = outages, AssetsFiles = [.. ledger.State.AssetsFiles] };
    }

    /// <summary>The keys of a build with one cache, the Atmos one.</summary>
    internal static IReadOnlyDictionary<string, string> SingleKey(string key) =>
        new Dictionary<string, string>(StringComparer.Ordinal) { [Atmos.Cache.Configuration.CacheNames.Atmos] = key };

    private async Task<BuildLedger> OpenLedgerAsync(CancellationToken cancellationToken)
    {
        var opening = BuildLedger.OpenAsync(_root, _id, cancellationToken);
        using var notice = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(WaitNoticeAfter, notice.Token);
        if (await Task.WhenAny(opening, delay).ConfigureAwait(false) != opening && !cancellationToken.IsCancellationRequested)
        {
            _logWaiting($"waiting for another project of this build, which holds the build ledger (usually while it restores the cache into '{_root}').");
        }

        await notice.CancelAsync().ConfigureAwait(false);
        return await opening.ConfigureAwait(false);
    }
}
