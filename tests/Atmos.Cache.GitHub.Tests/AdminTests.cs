using Atmos.Cache.Backends;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Emulator.Faults;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.GitHub.Tests;

/// <summary>List and delete through the REST caches API.</summary>
[TestClass]
public sealed class AdminTests
{
    [TestMethod]
    public async Task ListFollowsEveryPageAndReturnsNewestFirst()
    {
        await using var session = await EmulatorSession.StartAsync(options => options with { MaxPageSize = 2 });
        var backend = session.Backend();
        var sizes = new Dictionary<string, long>();
        foreach (var (key, index) in new[] { "deps-a", "deps-b", "deps-c", "deps-d", "deps-e", "other-f" }.Select((key, index) => (key, index)))
        {
            var archive = session.Temp.RandomFile(key, 1_000 + index * 100, seed: 30 + index);
            sizes[key] = new FileInfo(archive).Length;
            await backend.SaveAsync(key, EmulatorSession.GzipVersion, archive, CancellationToken.None);
        }

        var all = await backend.ListAsync(new CacheListOptions(), CancellationToken.None);
        var deps = await backend.ListAsync(new CacheListOptions { KeyPrefix = "deps-" }, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "other-f", "deps-e", "deps-d", "deps-c", "deps-b", "deps-a" }, all.Select(entry => entry.Key).ToArray());
        CollectionAssert.AreEqual(new[] { "deps-e", "deps-d", "deps-c", "deps-b", "deps-a" }, deps.Select(entry => entry.Key).ToArray());
        foreach (var entry in all)
        {
            Assert.AreEqual(sizes[entry.Key], entry.Size, entry.Key);
            Assert.IsNotNull(entry.CreatedAt);
            Assert.AreEqual(EmulatorSession.GzipVersion, entry.Version);
            Assert.IsFalse(string.IsNullOrEmpty(entry.Id));
        }

        // 6 entries at 2 per page, then 5 at 2 per page.
        Assert.AreEqual(3 + 3, session.Emulator.Stats.Get("rest.GET"));
    }

    [TestMethod]
    public async Task DeleteRemovesTheKeyAndAMissingKeyIsFine()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend();
        await backend.SaveAsync("deps-doomed", EmulatorSession.GzipVersion, session.Temp.RandomFile("a", 2_000, seed: 40), CancellationToken.None);
        await backend.SaveAsync("deps-kept", EmulatorSession.GzipVersion, session.Temp.RandomFile("b", 2_000, seed: 41), CancellationToken.None);

        await backend.DeleteAsync("deps-doomed", CancellationToken.None);
        await backend.DeleteAsync("deps-doomed", CancellationToken.None);
        await backend.DeleteAsync("never-existed", CancellationToken.None);

        var left = await backend.ListAsync(new CacheListOptions(), CancellationToken.None);
        CollectionAssert.AreEqual(new[] { "deps-kept" }, left.Select(entry => entry.Key).ToArray());
        await Assert.ThrowsExactlyAsync<CacheNotFoundException>(() =>
            backend.RestoreAsync("deps-doomed", [], EmulatorSession.GzipVersion, session.Temp.File("out"), CancellationToken.None));
        Assert.AreEqual(3, session.Emulator.Stats.Get("rest.DELETE"));
    }

    [TestMethod]
    public async Task RestCallsAreRetriedOnTransientFailures()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend();
        await backend.SaveAsync("deps-x", EmulatorSession.GzipVersion, session.Temp.RandomFile("a", 100, seed: 42), CancellationToken.None);
        session.Emulator.Faults.FailRest(new FaultPlan.InjectedStatus(502), new FaultPlan.InjectedStatus(503));

        var entries = await backend.ListAsync(new CacheListOptions(), CancellationToken.None);

        Assert.AreEqual(1, entries.Count);
        Assert.AreEqual(2, session.Delays.Delays.Count);
    }

    [TestMethod]
    public async Task ASecondaryRateLimit403WithRetryAfterIsWaitedOut()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend();
        session.Emulator.Faults.FailRest(new FaultPlan.InjectedStatus(403, RetryAfterSeconds: 5));

        var entries = await backend.ListAsync(new CacheListOptions(), CancellationToken.None);

        Assert.AreEqual(0, entries.Count);
        Assert.AreEqual(1, session.Delays.Delays.Count);
        Assert.IsTrue(session.Delays.Delays[0] >= TimeSpan.FromSeconds(5), $"waited {session.Delays.Delays[0]}");
    }

    [TestMethod]
    public async Task APlain403IsNotRetriedAndNamesThePermission()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend();
        session.Emulator.Faults.FailRest(new FaultPlan.InjectedStatus(403));

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() => backend.DeleteAsync("k", CancellationToken.None));

        StringAssert.Contains(error.Message, "actions: write");
        Assert.AreEqual(0, session.Delays.Delays.Count);
    }

    [TestMethod]
    public async Task ListAndDeleteWorkWithoutTheRuntimeVariables()
    {
        await using var session = await EmulatorSession.StartAsync();
        await session.Backend().SaveAsync("deps-admin", EmulatorSession.GzipVersion, session.Temp.RandomFile("a", 100, seed: 43), CancellationToken.None);
        var environment = session.Environment(variables =>
        {
            variables.Remove(GitHubEnvironment.RuntimeToken);
            variables.Remove(GitHubEnvironment.ResultsUrl);
        });
        var adminOnly = new GitHubActionsBackend(GitHubBackendSettings.FromEnvironment(environment, session.Temp.Path) with { Retry = session.FastRetry() });

        var entries = await adminOnly.ListAsync(new CacheListOptions(), CancellationToken.None);
        await adminOnly.DeleteAsync("deps-admin", CancellationToken.None);

        Assert.AreEqual("deps-admin", entries.Single().Key);
        Assert.AreEqual(0, (await adminOnly.ListAsync(new CacheListOptions(), CancellationToken.None)).Count);
    }

    [TestMethod]
    public async Task WithoutARestTokenListNamesTheThreeTokenVariables()
    {
        await using var session = await EmulatorSession.StartAsync();
        var environment = session.Environment(variables => variables.Remove(GitHubEnvironment.Token));
        var backend = new GitHubActionsBackend(GitHubBackendSettings.FromEnvironment(environment, session.Temp.Path));

        var error = await Assert.ThrowsExactlyAsync<CacheUnavailableException>(() => backend.ListAsync(new CacheListOptions(), CancellationToken.None));
        await Assert.ThrowsExactlyAsync<CacheUnavailableException>(() => backend.DeleteAsync("k", CancellationToken.None));

        StringAssert.Contains(error.Message, "ATMOS_PRO_GITHUB_TOKEN");
        StringAssert.Contains(error.Message, "ATMOS_GITHUB_TOKEN");
        StringAssert.Contains(error.Message, "GITHUB_TOKEN");
    }

    [TestMethod]
    public async Task TheFirstTokenVariableSetWins()
    {
        await using var session = await EmulatorSession.StartAsync();
        var environment = session.Environment(variables =>
        {
            variables[GitHubEnvironment.ProToken] = session.Emulator.Options.RestToken;
            variables[GitHubEnvironment.AtmosToken] = "wrong-atmos-token";
            variables[GitHubEnvironment.Token] = "wrong-github-token";
        });
        var backend = new GitHubActionsBackend(GitHubBackendSettings.FromEnvironment(environment, session.Temp.Path));

        var entries = await backend.ListAsync(new CacheListOptions(), CancellationToken.None);

        Assert.AreEqual(0, entries.Count);
    }

    [TestMethod]
    public async Task ARefusedTokenIsABackendErrorThatSaysSo()
    {
        await using var session = await EmulatorSession.StartAsync();
        var environment = session.Environment(variables => variables[GitHubEnvironment.Token] = "refused-token-value");
        var backend = new GitHubActionsBackend(GitHubBackendSettings.FromEnvironment(environment, session.Temp.Path));

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() => backend.ListAsync(new CacheListOptions(), CancellationToken.None));

        StringAssert.Contains(error.Message, "401");
        Assert.IsFalse(error.ToString().Contains("refused-token-value", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task AnotherRepositoryIsNotFound()
    {
        await using var session = await EmulatorSession.StartAsync();
        var environment = session.Environment(variables => variables[GitHubEnvironment.Repository] = "someone/else");
        var backend = new GitHubActionsBackend(GitHubBackendSettings.FromEnvironment(environment, session.Temp.Path));

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() => backend.ListAsync(new CacheListOptions(), CancellationToken.None));

        StringAssert.Contains(error.Message, "someone/else");
    }
}
