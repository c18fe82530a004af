using Atmos.Cache.Backends;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Emulator.Faults;
using Atmos.Cache.Testing;

namespace Atmos.Cache.GitHub.Tests;

/// <summary>Tokens and signed-URL signatures never reach a message, an exception or a log line.</summary>
[TestClass]
public sealed class RedactionTests
{
    [TestMethod]
    public void TheRedactorMasksSignaturesQueryStringsTokensAndUrlCredentials()
    {
        var redactor = new SecretRedactor("runtime-token-abc123");
        var text = "PUT http://127.0.0.1:5/devstoreaccount1/c/b?sv=2023-11-03&sr=b&sp=cw&sig=AbC%2Fdef%3D failed; " +
            "fragment &sig=XyZ123 and token runtime-token-abc123, Bearer eyJhbGciOiJIUzI1NiJ9.payload, " +
            "remote https://user:ghp_secretvalue@github.com/o/r.git";

        var redacted = redactor.Redact(text);

        Assert.IsFalse(redacted.Contains("AbC%2Fdef", StringComparison.Ordinal), redacted);
        Assert.IsFalse(redacted.Contains("XyZ123", StringComparison.Ordinal), redacted);
        Assert.IsFalse(redacted.Contains("sp=cw", StringComparison.Ordinal), "the whole query string is masked: " + redacted);
        Assert.IsFalse(redacted.Contains("runtime-token-abc123", StringComparison.Ordinal), redacted);
        Assert.IsFalse(redacted.Contains("eyJhbGciOiJIUzI1NiJ9", StringComparison.Ordinal), redacted);
        Assert.IsFalse(redacted.Contains("ghp_secretvalue", StringComparison.Ordinal), redacted);
        StringAssert.Contains(redacted, "http://127.0.0.1:5/devstoreaccount1/c/b?***");
    }

    [TestMethod]
    public void AUrlForMessagesKeepsItsPathAndDropsItsQuery()
    {
        var url = new Uri("https://acct.blob.core.windows.net/container/blob?sv=1&sig=secret%2B");

        Assert.AreEqual("https://acct.blob.core.windows.net/container/blob?***", SecretRedactor.RedactUrl(url));
    }

    [TestMethod]
    public async Task NoSecretAppearsInAnyFailureOrLogLine()
    {
        await using var session = await EmulatorSession.StartAsync();
        var failures = new List<Exception>();
        var archive = session.Temp.RandomFile("a", 1_500_000, seed: 50);
        await session.Backend(EmulatorSession.SmallPieces).SaveAsync("deps-saved", EmulatorSession.GzipVersion, archive, CancellationToken.None);

        async Task Capture(Func<ICacheBackend, Task> action, Action<FaultPlan> faults, Func<GitHubBackendSettings, GitHubBackendSettings>? change = null)
        {
            session.Emulator.Faults.Clear();
            faults(session.Emulator.Faults);
            var settings = change?.Invoke(session.Settings(EmulatorSession.SmallPieces)) ?? session.Settings(EmulatorSession.SmallPieces);
            try
            {
                await action(new GitHubActionsBackend(settings, session.Logger));
                Assert.Fail("the scenario was meant to fail");
            }
            catch (Exception e) when (e is not AssertFailedException)
            {
                failures.Add(e);
            }
        }

        var restoreTarget = session.Temp.File("out");
        await Capture(b => b.SaveAsync("deps-blocks", EmulatorSession.GzipVersion, archive, CancellationToken.None), f => f.FailBlockUploads(1000));
        await Capture(b => b.SaveAsync("deps-blob", EmulatorSession.GzipVersion, session.Temp.RandomFile("small", 1000, 51), CancellationToken.None), f => f.FailPutBlobs(1000));
        await Capture(b => b.RestoreAsync("deps-saved", [], EmulatorSession.GzipVersion, restoreTarget, CancellationToken.None), f => f.CutDownloads(1000));
        await Capture(b => b.RestoreAsync("deps-saved", [], EmulatorSession.GzipVersion, restoreTarget, CancellationToken.None), f => f.ResetConnections(1000));
        await Capture(b => b.SaveAsync("deps-down", EmulatorSession.GzipVersion, archive, CancellationToken.None), f => f.Down = true);
        await Capture(b => b.ListAsync(new CacheListOptions(), CancellationToken.None), f => f.FailRest([.. Enumerable.Repeat(new FaultPlan.InjectedStatus(500), 10)]));
        await Capture(b => b.SaveAsync("deps-token", EmulatorSession.GzipVersion, archive, CancellationToken.None), _ => { },
            s => s with { RuntimeToken = session.Emulator.Options.RuntimeToken + "-stale" });
        await Capture(b => b.DeleteAsync("deps-saved", CancellationToken.None), _ => { },
            s => s with { RestToken = session.Emulator.Options.RestToken + "-stale" });

        var texts = failures.Select(failure => failure.ToString()).Append(session.Logger.AllText).ToList();
        Assert.AreEqual(8, failures.Count);
        Assert.IsTrue(session.Emulator.IssuedSignatures.Count >= 4);
        foreach (var secret in session.Secrets)
        {
            foreach (var text in texts)
            {
                Assert.IsFalse(text.Contains(secret, StringComparison.Ordinal), $"a secret leaked into: {text}");
            }
        }

        foreach (var text in texts)
        {
            Assert.IsFalse(text.Contains("sig=", StringComparison.OrdinalIgnoreCase) && !text.Contains("sig=***", StringComparison.Ordinal), $"a signature leaked into: {text}");
        }
    }
}
