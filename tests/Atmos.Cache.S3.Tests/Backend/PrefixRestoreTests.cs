using Atmos.Cache.Backends.S3;
using Atmos.Cache.Backends.S3.Credentials;
using Atmos.Cache.S3.Tests.Credentials;
using Atmos.Cache.S3.Tests.Infrastructure;
using Atmos.Cache.Testing;

namespace Atmos.Cache.S3.Tests.Backend;

/// <summary>
/// A restore key picks the newest object by LastModified over every page of the listing. s3rver
/// keeps LastModified to the second, so the order is set here by a fake endpoint on 127.0.0.1.
/// </summary>
[TestClass]
public sealed class PrefixRestoreTests
{
    private const string Version = "0123456789abcdef";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task TheNewestObjectWinsEvenWhenItIsOnALaterPageAndSortsFirstByName()
    {
        const string prefix = "atmos-cache/" + Version + "/";
        string Page(string key, string modified, string? next) =>
            $"<ListBucketResult><IsTruncated>{(next is null ? "false" : "true")}</IsTruncated>" +
            $"<Contents><Key>{prefix}{key}</Key><LastModified>{modified}</LastModified><Size>5</Size></Contents>" +
            (next is null ? "" : $"<NextContinuationToken>{next}</NextContinuationToken>") + "</ListBucketResult>";

        await using var s3 = await FakeEndpoint.StartAsync((context, _) =>
        {
            if (context.Request.Method == "HEAD")
            {
                return CredentialSourceTests.Answer(context, 404, "", "application/xml");
            }

            if (context.Request.Query.ContainsKey("list-type"))
            {
                return context.Request.Query["continuation-token"].ToString() switch
                {
                    "" => CredentialSourceTests.Answer(context, 200, Page("tools-b", "2025-01-01T10:00:00.000Z", "page+2/="), "application/xml"),
                    "page+2/=" => CredentialSourceTests.Answer(context, 200, Page("tools-a", "2025-01-02T10:00:00.000Z", "page-3"), "application/xml"),
                    _ => CredentialSourceTests.Answer(context, 200, Page("tools-c", "2024-12-31T10:00:00.000Z", null), "application/xml"),
                };
            }

            context.Response.Headers.ContentRange = "bytes 0-4/5";
            return CredentialSourceTests.Answer(context, 206, "abcde", "application/octet-stream");
        });
        using var temp = new TempFolder();
        var backend = new S3Backend(
            new S3BackendSettings { Bucket = "bucket", Endpoint = s3.Url, PathStyle = true, Retry = new() { MaxAttempts = 1 } },
            new StaticCredentialProvider(new AwsCredentials("AKIA", "secret", source: "test")));

        var match = await backend.RestoreAsync("tools-new", ["tools-"], Version, temp.File("r"), TestContext.CancellationToken);

        Assert.AreEqual("tools-a", match.MatchedKey);
        Assert.AreEqual("abcde", File.ReadAllText(temp.File("r")));
        var lists = s3.Requests.Where(r => r.PathAndQuery.Contains("list-type=2", StringComparison.Ordinal)).ToList();
        Assert.HasCount(3, lists);
        StringAssert.Contains(lists[1].PathAndQuery, "continuation-token=page%2B2%2F%3D", "the token is sent back encoded");
        StringAssert.Contains(lists[0].PathAndQuery, "prefix=atmos-cache%2F" + Version + "%2Ftools-");
    }
}
