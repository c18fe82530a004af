using System.Globalization;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Atmos.Cache.Backends.S3.Credentials;
using Atmos.Cache.Backends.S3.Signing;
using Atmos.Cache.S3.Tests.Credentials;
using Atmos.Cache.S3.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Atmos.Cache.S3.Tests.Signing;

/// <summary>
/// A cross-check with the AWS SDK for .NET (used in this test project only): the SDK sends real S3
/// requests to a fake endpoint on 127.0.0.1, and the package's signer, given the same request as it
/// arrived (method, path, query, the headers the SDK signed, its payload hash and time), must compute
/// the signature the SDK sent. s3rver does not check signatures, so this is where S3's own
/// canonicalization (keys with spaces and reserved characters, tokens with '/', '+' and '=') is held
/// to an independent implementation.
/// </summary>
[TestClass]
public sealed partial class AwsSdkCrossCheckTests
{
    private const string AccessKey = "AKIDCROSSCHECK";
    private const string SecretKey = "cross/check+secret=key";
    private const string Key = "atmos-cache/0123456789abcdef/key with space+plus~(x)!*'@$&,;=:";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task TheSignerAgreesWithTheAwsSdkOnTheRequestsTheBackendMakes()
    {
        await using var s3 = await FakeEndpoint.StartAsync(AnswerAsync);
        using var client = new AmazonS3Client(
            new BasicAWSCredentials(AccessKey, SecretKey),
            new AmazonS3Config { ServiceURL = s3.Url.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

        using (await client.GetObjectAsync(new GetObjectRequest { BucketName = "bucket", Key = Key, ByteRange = new ByteRange(0, 9) }, TestContext.CancellationToken))
        {
        }

        await client.GetObjectMetadataAsync("bucket", Key, TestContext.CancellationToken);
        await client.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = "bucket",
            Prefix = "atmos-cache/0123456789abcdef/pre fix+",
            Delimiter = "/",
            MaxKeys = 2,
            ContinuationToken = "a/b+c==",
        }, TestContext.CancellationToken);
        await client.DeleteObjectAsync("bucket", Key, TestContext.CancellationToken);

        Assert.HasCount(4, s3.Requests);
        foreach (var request in s3.Requests)
        {
            var authorization = request.Headers["Authorization"];
            Assert.AreEqual(Signature(authorization), Signature(Recompute(request)), $"{request.Method} {request.RawTarget}");
        }
    }

    /// <summary>The package's signature for a request as the SDK sent it.</summary>
    private static string Recompute(FakeEndpoint.SeenRequest request)
    {
        var authorization = request.Headers["Authorization"];
        var signed = SignedHeaders().Match(authorization).Groups[1].Value.Split(';');
        var headers = signed.Select(name => new KeyValuePair<string, string>(name, request.Headers[name])).ToList();
        var question = request.RawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = question < 0 ? request.RawTarget : request.RawTarget[..question];
        var query = question < 0 ? [] : request.RawTarget[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            return equals < 0
                ? new KeyValuePair<string, string>(Uri.UnescapeDataString(pair), "")
                : new(Uri.UnescapeDataString(pair[..equals]), Uri.UnescapeDataString(pair[(equals + 1)..]));
        }).ToList();
        var time = DateTimeOffset.ParseExact(request.Headers["x-amz-date"], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        // The path as S3 sees it: decoded, then encoded the package's way.
        var canonical = CanonicalRequest.Create(request.Method, AwsUriEncoding.EncodePath(Uri.UnescapeDataString(rawPath)), query, headers, request.Headers["x-amz-content-sha256"]);
        return new SigV4Signer("us-east-1", "s3").Authorization(canonical, new AwsCredentials(AccessKey, SecretKey), time);
    }

    private static string Signature(string authorization) => authorization[(authorization.LastIndexOf("Signature=", StringComparison.Ordinal) + "Signature=".Length)..];

    [GeneratedRegex("SignedHeaders=([^,]+)")]
    private static partial Regex SignedHeaders();

    private static Task AnswerAsync(HttpContext context, string body)
    {
        switch (context.Request.Method)
        {
            case "GET" when context.Request.Query.ContainsKey("list-type"):
                return CredentialSourceTests.Answer(context, 200, "<ListBucketResult><Name>bucket</Name><IsTruncated>false</IsTruncated><KeyCount>0</KeyCount></ListBucketResult>", "application/xml");
            case "GET":
                context.Response.Headers.ContentRange = "bytes 0-9/100";
                return CredentialSourceTests.Answer(context, 206, "0123456789", "application/octet-stream");
            case "HEAD":
                context.Response.StatusCode = 200;
                context.Response.ContentLength = 100;
                return Task.CompletedTask;
            default:
                context.Response.StatusCode = 204;
                return Task.CompletedTask;
        }
    }
}
