using Atmos.Cache.Backends.S3;
using Atmos.Cache.Backends.S3.Credentials;
using Atmos.Cache.Errors;
using Atmos.Cache.S3.Tests.Credentials;
using Atmos.Cache.S3.Tests.Infrastructure;
using Atmos.Cache.Testing;
using Atmos.Cache.Testing.S3rver;
using Microsoft.AspNetCore.Http;

namespace Atmos.Cache.S3.Tests.Backend;

/// <summary>
/// Write-once through <c>If-None-Match: *</c>. s3rver ignores the header (it overwrites and never
/// answers 412), so S3's answers are played by a fake endpoint on 127.0.0.1; the last test shows
/// s3rver's difference, which the README states as a race on such servers.
/// </summary>
[TestClass]
public sealed class ConditionalWriteTests
{
    private const string Version = "0123456789abcdef";
    private const string UploadAnswer = "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>upload-1</UploadId></InitiateMultipartUploadResult>";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task APutAnswered412MeansAnotherJobSavedTheKey()
    {
        await using var s3 = await FakeEndpoint.StartAsync((context, _) => context.Request.Method switch
        {
            "HEAD" => CredentialSourceTests.Answer(context, 404, "", "application/xml"),
            "PUT" => CredentialSourceTests.Answer(context, 412, "<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>", "application/xml"),
            _ => CredentialSourceTests.Answer(context, 500, "", "text/plain"),
        });
        using var temp = new TempFolder();

        await Assert.ThrowsExactlyAsync<CacheAlreadyExistsException>(() =>
            Backend(s3.Url).SaveAsync("key", Version, temp.RandomFile("a", 1000, seed: 1), TestContext.CancellationToken));

        var put = s3.Requests.Single(r => r.Method == "PUT");
        Assert.AreEqual("*", put.Headers["If-None-Match"]);
        StringAssert.Contains(put.Headers["Authorization"], "if-none-match", "the condition is signed");
    }

    [TestMethod]
    public async Task ACompleteAnswered412AbortsTheUploadAndSaysTheKeyExists()
    {
        await using var s3 = await FakeEndpoint.StartAsync((context, _) =>
        {
            var query = context.Request.Query;
            return (context.Request.Method, query.ContainsKey("uploads"), query.ContainsKey("uploadId")) switch
            {
                ("HEAD", _, _) => CredentialSourceTests.Answer(context, 404, "", "application/xml"),
                ("POST", true, _) => CredentialSourceTests.Answer(context, 200, UploadAnswer, "application/xml"),
                ("PUT", _, true) => PartAsync(context),
                ("POST", _, true) => CredentialSourceTests.Answer(context, 412, "<Error><Code>PreconditionFailed</Code></Error>", "application/xml"),
                ("DELETE", _, true) => CredentialSourceTests.Answer(context, 204, "", "application/xml"),
                _ => CredentialSourceTests.Answer(context, 500, "", "text/plain"),
            };
        });
        using var temp = new TempFolder();

        await Assert.ThrowsExactlyAsync<CacheAlreadyExistsException>(() =>
            Backend(s3.Url).SaveAsync("key", Version, temp.RandomFile("a", 3 * 1024 * 1024, seed: 2), TestContext.CancellationToken));

        var complete = s3.Requests.Single(r => r.Method == "POST" && r.PathAndQuery.Contains("uploadId=upload-1", StringComparison.Ordinal));
        Assert.AreEqual("*", complete.Headers["If-None-Match"]);
        StringAssert.Contains(complete.Body, "<PartNumber>3</PartNumber><ETag>\"etag-3\"</ETag>");
        Assert.AreEqual(1, s3.Requests.Count(r => r.Method == "DELETE" && r.PathAndQuery.Contains("uploadId=upload-1", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task AnErrorInsideA200CompleteAnswerIsRetried()
    {
        var completes = 0;
        await using var s3 = await FakeEndpoint.StartAsync((context, _) =>
        {
            var query = context.Request.Query;
            return (context.Request.Method, query.ContainsKey("uploads"), query.ContainsKey("uploadId")) switch
            {
                ("HEAD", _, _) => CredentialSourceTests.Answer(context, 404, "", "application/xml"),
                ("POST", true, _) => CredentialSourceTests.Answer(context, 200, UploadAnswer, "application/xml"),
                ("PUT", _, true) => PartAsync(context),
                ("POST", _, true) => Interlocked.Increment(ref completes) == 1
                    ? CredentialSourceTests.Answer(context, 200, "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>", "application/xml")
                    : CredentialSourceTests.Answer(context, 200, "<CompleteMultipartUploadResult><ETag>\"x-3\"</ETag></CompleteMultipartUploadResult>", "application/xml"),
                _ => CredentialSourceTests.Answer(context, 500, "", "text/plain"),
            };
        });
        using var temp = new TempFolder();

        await Backend(s3.Url).SaveAsync("key", Version, temp.RandomFile("a", 3 * 1024 * 1024, seed: 3), TestContext.CancellationToken);

        Assert.AreEqual(2, completes);
        Assert.AreEqual(0, s3.Requests.Count(r => r.Method == "DELETE"));
    }

    [TestMethod]
    public async Task FailuresNeverShowTheSecretTheSessionTokenOrTheSignature()
    {
        // Real S3 answers SignatureDoesNotMatch with the string to sign and the signature it got.
        const string refusal = "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message>" +
            "<AWSAccessKeyId>AKIATEST</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n20250101T000000Z</StringToSign><SignatureProvided>deadbeef</SignatureProvided></Error>";
        string? authorization = null;
        await using var s3 = await FakeEndpoint.StartAsync((context, _) =>
        {
            authorization = context.Request.Headers.Authorization;
            return CredentialSourceTests.Answer(context, 403, refusal, "application/xml");
        });
        var logger = new CapturingLogger();
        var backend = new S3Backend(Settings(s3.Url), new StaticCredentialProvider(new AwsCredentials("AKIATEST", "the-secret-key", "the-session-token", source: "test")), logger);

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() => backend.ListAsync(new Atmos.Cache.Backends.CacheListOptions(), TestContext.CancellationToken));

        Assert.Contains("SignatureDoesNotMatch", error.Message);
        var signature = authorization![(authorization!.IndexOf("Signature=", StringComparison.Ordinal) + "Signature=".Length)..];
        var everything = error + "\n" + logger.AllText;
        foreach (var secret in new[] { "the-secret-key", "the-session-token", signature, "deadbeef", "StringToSign" })
        {
            Assert.DoesNotContain(secret, everything);
        }
    }

    [TestMethod]
    public async Task S3rverIgnoresIfNoneMatchSoOnSuchServersARacingWriterOverwrites()
    {
        // The difference the README states: S3 answers 412 here; s3rver stores the second object.
        await using var bucket = await S3Bucket.StartAsync();
        var backend = bucket.Backend();
        var first = bucket.Temp.RandomFile("first", 1000, seed: 4);
        var second = bucket.Temp.RandomFile("second", 1000, seed: 5);
        await backend.SaveAsync("race", Version, first, TestContext.CancellationToken);

        var client = bucket.Client();
        var written = await client.PutObjectIfAbsentAsync(bucket.Prefix + Version + "/race", () => new ByteArrayContent(File.ReadAllBytes(second)),
            Atmos.Cache.Backends.S3.Signing.SigV4Signer.PayloadHash(File.ReadAllBytes(second)), TestContext.CancellationToken);

        Assert.IsTrue(written, "s3rver accepted a conditional put over an existing object");
        var restored = bucket.Temp.File("r");
        await backend.RestoreAsync("race", [], Version, restored, TestContext.CancellationToken);
        Assert.AreEqual(TempFolder.Sha256(second), TempFolder.Sha256(restored));
    }

    private static Task PartAsync(HttpContext context)
    {
        context.Response.Headers.ETag = $"\"etag-{context.Request.Query["partNumber"]}\"";
        return CredentialSourceTests.Answer(context, 200, "", "application/xml");
    }

    private static S3BackendSettings Settings(Uri endpoint) => new()
    {
        Bucket = "bucket",
        Endpoint = endpoint,
        PathStyle = true,
        Transfer = S3Bucket.SmallPieces,
        Retry = new() { MaxAttempts = 2, Delay = new DelayRecorder().Delay },
        AllowSmallParts = true,
    };

    private static S3Backend Backend(Uri endpoint) =>
        new(Settings(endpoint), new StaticCredentialProvider(new AwsCredentials(S3rverServer.AccessKeyId, S3rverServer.SecretAccessKey, source: "test")));
}
