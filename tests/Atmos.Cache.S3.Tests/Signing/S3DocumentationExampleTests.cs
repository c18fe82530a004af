using System.Globalization;
using System.Text;
using System.Text.Json;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Backends.S3.Credentials;
using Atmos.Cache.Backends.S3.Http;
using Atmos.Cache.Backends.S3.Signing;
using Atmos.Cache.Diagnostics;

namespace Atmos.Cache.S3.Tests.Signing;

/// <summary>The S3 API Reference's worked Signature V4 examples (TestData/s3-documentation-examples.json).</summary>
[TestClass]
public sealed class S3DocumentationExampleTests
{
    private static readonly JsonElement Examples = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "s3-documentation-examples.json"))).RootElement;
    private static readonly DateTimeOffset Time = DateTimeOffset.ParseExact(Examples.GetProperty("time").GetString()!, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    private static readonly AwsCredentials Credentials = new(Examples.GetProperty("accessKeyId").GetString()!, Examples.GetProperty("secretAccessKey").GetString()!);

    public TestContext TestContext { get; set; } = null!;

    public static IEnumerable<object[]> Names() => Examples.GetProperty("examples").EnumerateArray().Select(e => new object[] { e.GetProperty("name").GetString()! });

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void TheSignerGivesTheDocumentedAuthorization(string name)
    {
        var example = Examples.GetProperty("examples").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var addressing = new S3Addressing("examplebucket", "us-east-1", new Uri("https://s3.amazonaws.com"), pathStyle: false);
        var key = example.GetProperty("key").ValueKind == JsonValueKind.Null ? null : example.GetProperty("key").GetString();
        var payloadHash = SigV4Signer.PayloadHash(Encoding.UTF8.GetBytes(example.GetProperty("body").GetString()!));
        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", addressing.Host),
            new("x-amz-content-sha256", payloadHash),
            new("x-amz-date", SigV4Signer.AmzDate(Time)),
        };
        headers.AddRange(Pairs(example.GetProperty("headers")));

        var request = CanonicalRequest.Create(example.GetProperty("method").GetString()!, addressing.Path(key), Pairs(example.GetProperty("query")), headers, payloadHash);

        Assert.AreEqual(example.GetProperty("authorization").GetString(), new SigV4Signer("us-east-1", "s3").Authorization(request, Credentials, Time));
    }

    [TestMethod]
    public async Task ARangedDownloadSendsTheDocumentedGetObjectRequest()
    {
        var example = Examples.GetProperty("examples").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "GET Object");
        var handler = new CapturingHandler();
        var client = new S3Client(
            new HttpClient(handler),
            new S3Addressing("examplebucket", "us-east-1", new Uri("https://s3.amazonaws.com"), pathStyle: false),
            new SigV4Signer("us-east-1", "s3"),
            new StaticCredentialProvider(Credentials),
            new RetryPolicy(new RetrySettings { MaxAttempts = 1 }, SecretRedactor.Empty, NullCacheLogger.Instance),
            new FixedTime(Time));

        await client.GetRangeAsync("test.txt", 0, 9, (_, _) => Task.FromResult(true), TestContext.CancellationToken);

        var sent = handler.Request!;
        Assert.AreEqual("https://examplebucket.s3.amazonaws.com/test.txt", sent.RequestUri!.ToString());
        Assert.AreEqual("examplebucket.s3.amazonaws.com", sent.Headers.Host);
        Assert.AreEqual("bytes=0-9", sent.Headers.GetValues("Range").Single());
        Assert.AreEqual(example.GetProperty("authorization").GetString(), sent.Headers.GetValues("Authorization").Single());
    }

    private static IEnumerable<KeyValuePair<string, string>> Pairs(JsonElement array) =>
        array.EnumerateArray().Select(p => new KeyValuePair<string, string>(p[0].GetString()!, p[1].GetString()!)).ToList();

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class CapturingHandler : HttpMessageHandler
    {
        public HttpRequestMessage? Request { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Request = request;
            var response = new HttpResponseMessage(System.Net.HttpStatusCode.PartialContent) { Content = new ByteArrayContent(new byte[10]) };
            response.Content.Headers.ContentRange = new System.Net.Http.Headers.ContentRangeHeaderValue(0, 9, 100);
            return Task.FromResult(response);
        }
    }
}
