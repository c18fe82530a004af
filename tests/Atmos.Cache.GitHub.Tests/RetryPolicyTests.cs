using System.Net;
using System.Net.Http.Headers;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.GitHub.Tests;

/// <summary>The one retry policy: what it retries, how long it waits, and when it stops.</summary>
[TestClass]
public sealed class RetryPolicyTests
{
    [TestMethod]
    public void RetryAfterAsAnHttpDateIsTheTimeUntilThatDate()
    {
        var now = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var header = new RetryConditionHeaderValue(now.AddSeconds(42));

        Assert.AreEqual(TimeSpan.FromSeconds(42), HttpResponses.RetryAfter(header, now));
        Assert.AreEqual(TimeSpan.Zero, HttpResponses.RetryAfter(new RetryConditionHeaderValue(now.AddSeconds(-5)), now));
        Assert.AreEqual(TimeSpan.FromSeconds(9), HttpResponses.RetryAfter(new RetryConditionHeaderValue(TimeSpan.FromSeconds(9)), now));
        Assert.IsNull(HttpResponses.RetryAfter(null, now));
    }

    [TestMethod]
    [DataRow(429, true)]
    [DataRow(500, true)]
    [DataRow(502, true)]
    [DataRow(503, true)]
    [DataRow(504, true)]
    [DataRow(400, false)]
    [DataRow(401, false)]
    [DataRow(404, false)]
    [DataRow(409, false)]
    public void TransientStatuses(int status, bool transient) =>
        Assert.AreEqual(transient, HttpResponses.IsTransient((HttpStatusCode)status));

    [TestMethod]
    public async Task BackoffGrowsExponentiallyWithJitterAndStaysCapped()
    {
        var delays = new DelayRecorder();
        var settings = new RetrySettings { MaxAttempts = 8, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(8), MaxTotalTime = TimeSpan.FromHours(1), Delay = delays.Delay };
        var policy = new RetryPolicy(settings, SecretRedactor.Empty, NullCacheLogger.Instance);

        await Assert.ThrowsExactlyAsync<CacheBackendException>(() =>
            policy.ExecuteAsync<bool>("call", TimeSpan.FromSeconds(5), _ => throw new TransientHttpException("HTTP 503"), CancellationToken.None));

        var seconds = delays.Delays.Select(delay => delay.TotalSeconds).ToArray();
        Assert.AreEqual(7, seconds.Length);
        double[] caps = [1, 2, 4, 8, 8, 8, 8];
        for (var i = 0; i < seconds.Length; i++)
        {
            Assert.IsTrue(seconds[i] >= caps[i] / 2 && seconds[i] <= caps[i], $"delay {i} was {seconds[i]} s, expected within [{caps[i] / 2}, {caps[i]}]");
        }
    }

    [TestMethod]
    public async Task AnAttemptThatHangsTimesOutAndIsRetried()
    {
        var delays = new DelayRecorder();
        var handler = new HangingThenAnsweringHandler(hangs: 2);
        var settings = new GitHubBackendSettings
        {
            ApiUrl = "http://127.0.0.1:9/",
            RestToken = "rest-token-value",
            Owner = "o",
            Repo = "r",
            Retry = new RetrySettings { RequestTimeout = TimeSpan.FromMilliseconds(200), BaseDelay = TimeSpan.FromMilliseconds(1), Delay = delays.Delay },
        };
        var backend = new GitHubActionsBackend(settings, handler: handler);

        var entries = await backend.ListAsync(new Backends.CacheListOptions(), CancellationToken.None);

        Assert.AreEqual(0, entries.Count);
        Assert.AreEqual(3, handler.Calls);
        Assert.AreEqual(2, delays.Delays.Count);
    }

    [TestMethod]
    public async Task CallerCancellationIsNotRetried()
    {
        var delays = new DelayRecorder();
        var policy = new RetryPolicy(new RetrySettings { Delay = delays.Delay }, SecretRedactor.Empty, NullCacheLogger.Instance);
        using var cancellation = new CancellationTokenSource();
        var calls = 0;

        await Assert.ThrowsAsync<OperationCanceledException>(() => policy.ExecuteAsync("call", TimeSpan.FromMinutes(1), async token =>
        {
            calls++;
            await cancellation.CancelAsync();
            token.ThrowIfCancellationRequested();
            return true;
        }, cancellation.Token));

        Assert.AreEqual(1, calls);
        Assert.AreEqual(0, delays.Delays.Count);
    }

    /// <summary>Never answers the first calls (until cancelled), then answers with an empty cache list.</summary>
    private sealed class HangingThenAnsweringHandler(int hangs) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => _calls;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) <= hangs)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"total_count\":0,\"actions_caches\":[]}") };
        }
    }
}
