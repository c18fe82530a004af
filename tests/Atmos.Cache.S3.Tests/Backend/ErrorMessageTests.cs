using Atmos.Cache.Backends.S3;
using Atmos.Cache.Backends.S3.Credentials;
using Atmos.Cache.Errors;
using Atmos.Cache.S3.Tests.Infrastructure;
using Atmos.Cache.Testing;

namespace Atmos.Cache.S3.Tests.Backend;

/// <summary>Failures that retrying cannot fix say what to change.</summary>
[TestClass]
public sealed class ErrorMessageTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ABucketInAnotherRegionNamesTheRegionToSet()
    {
        await using var s3 = await FakeEndpoint.StartAsync((context, _) =>
        {
            context.Response.Headers["x-amz-bucket-region"] = "eu-west-2";
            context.Response.StatusCode = 301;
            return Task.CompletedTask;
        });
        using var temp = new TempFolder();

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() => Backend(s3.Url).SaveAsync("key", "v", temp.RandomFile("a", 10, seed: 1), TestContext.CancellationToken));

        Assert.Contains("AtmosCacheS3Region=eu-west-2", error.Message);
        Assert.HasCount(1, s3.Requests, "not retried");
    }

    [TestMethod]
    public async Task AMissingBucketSaysSo()
    {
        await using var s3 = await FakeEndpoint.StartAsync((context, _) =>
            Credentials.CredentialSourceTests.Answer(context, 404, "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>", "application/xml"));

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() => Backend(s3.Url).ListAsync(new Atmos.Cache.Backends.CacheListOptions(), TestContext.CancellationToken));

        Assert.Contains("NoSuchBucket", error.Message);
        Assert.Contains("AtmosCacheS3Bucket", error.Message);
    }

    [TestMethod]
    public async Task AForbiddenHeadWithoutAnErrorCodeNamesTheLikelyCausesInOrder()
    {
        // A HEAD answer has no body: S3 says 403 and nothing else for a wrong secret, a stale token, clock skew or a missing permission.
        await using var s3 = await FakeEndpoint.StartAsync((context, _) =>
        {
            context.Response.StatusCode = 403;
            return Task.CompletedTask;
        });
        using var temp = new TempFolder();

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() => Backend(s3.Url).SaveAsync("key", "v", temp.RandomFile("a", 10, seed: 1), TestContext.CancellationToken));

        Assert.AreEqual("HEAD", s3.Requests.First().Method);
        var secret = error.Message.IndexOf("wrong secret access key or session token", StringComparison.Ordinal);
        var clock = error.Message.IndexOf("clock more than 15 minutes off", StringComparison.Ordinal);
        var permission = error.Message.IndexOf("lack permission for this bucket and prefix", StringComparison.Ordinal);
        Assert.IsTrue(secret >= 0 && secret < clock && clock < permission, error.Message);
    }

    [TestMethod]
    public async Task AnAccessDeniedAnswerIsAMissingPermission()
    {
        await using var s3 = await FakeEndpoint.StartAsync((context, _) =>
            Credentials.CredentialSourceTests.Answer(context, 403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>", "application/xml"));

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() => Backend(s3.Url).ListAsync(new Atmos.Cache.Backends.CacheListOptions(), TestContext.CancellationToken));

        StringAssert.EndsWith(error.Message, "The credentials lack permission for this bucket and prefix.");
        Assert.DoesNotContain("clock", error.Message);
    }

    private static S3Backend Backend(Uri endpoint) => new(
        new S3BackendSettings { Bucket = "bucket", Endpoint = endpoint, PathStyle = true, Retry = new() { MaxAttempts = 3, Delay = new DelayRecorder().Delay } },
        new StaticCredentialProvider(new AwsCredentials("AKIA", "secret", source: "test")));
}
