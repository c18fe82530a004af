using System.Globalization;
using System.Text;
using System.Text.Json;
using Atmos.Cache.Backends.S3.Credentials;
using Atmos.Cache.Backends.S3.Signing;

namespace Atmos.Cache.S3.Tests.Signing;

/// <summary>
/// AWS's published Signature V4 test vectors (TestData/aws-sig-v4-test-suite.json, source named in
/// TestData/README.md): for each request, the canonical request, the string to sign and the
/// Authorization header must be exactly the suite's.
/// </summary>
[TestClass]
public sealed class SigV4TestSuiteTests
{
    private static readonly JsonDocument Suite = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "aws-sig-v4-test-suite.json")));

    public static IEnumerable<object[]> Vectors() =>
        Suite.RootElement.GetProperty("tests").EnumerateArray().Select(t => new object[] { t.GetProperty("name").GetString()! });

    [TestMethod]
    public void TheSuiteIsThereWithItsVectors() =>
        Assert.IsGreaterThanOrEqualTo(20, Vectors().Count());

    [TestMethod]
    [DynamicData(nameof(Vectors))]
    public void CanonicalRequestStringToSignAndAuthorizationMatchTheSuite(string name)
    {
        var vector = Suite.RootElement.GetProperty("tests").EnumerateArray().Single(t => t.GetProperty("name").GetString() == name);
        var config = Suite.RootElement.GetProperty("config");
        var credentials = new AwsCredentials(config.GetProperty("accessKeyId").GetString()!, config.GetProperty("secretAccessKey").GetString()!);
        var signer = new SigV4Signer(config.GetProperty("region").GetString()!, config.GetProperty("service").GetString()!);

        var headers = vector.GetProperty("headers").EnumerateArray()
            .Select(h => new KeyValuePair<string, string>(h[0].GetString()!, h[1].GetString()!))
            .ToList();
        var time = DateTimeOffset.ParseExact(headers.Single(h => h.Key == "X-Amz-Date").Value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var request = CanonicalRequest.Create(
            vector.GetProperty("method").GetString()!,
            AwsUriEncoding.EncodePath(vector.GetProperty("path").GetString()!),
            ParseQuery(vector.GetProperty("query").GetString()!),
            headers,
            SigV4Signer.PayloadHash(Encoding.UTF8.GetBytes(vector.GetProperty("body").GetString()!)));

        Assert.AreEqual(vector.GetProperty("creq").GetString(), request.Text, "canonical request");
        Assert.AreEqual(vector.GetProperty("sts").GetString(), signer.StringToSign(request, time), "string to sign");
        Assert.AreEqual(vector.GetProperty("authz").GetString(), signer.Authorization(request, credentials, time), "authorization");
    }

    [TestMethod]
    public void ASignatureChangesWithTheSecret() =>
        Assert.AreNotEqual(
            Sign("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            Sign("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ"));

    [TestMethod]
    public void CredentialsNeverPrintTheirSecretOrToken()
    {
        var credentials = new AwsCredentials("AKIDEXAMPLE", "secret-value-123", "session-token-456", source: "environment variables");
        var text = credentials.ToString();
        Assert.Contains("AKIDEXAMPLE", text);
        Assert.DoesNotContain("secret-value-123", text);
        Assert.DoesNotContain("session-token-456", text);
    }

    private static string Sign(string secret)
    {
        var request = CanonicalRequest.Create("GET", "/", [], [new("Host", "example.amazonaws.com")], SigV4Signer.EmptyPayloadHash);
        return new SigV4Signer("us-east-1", "s3").Authorization(request, new AwsCredentials("AKID", secret), DateTimeOffset.UnixEpoch);
    }

    // The suite's query strings are written unencoded (e.g. "ሴ=bar"); a name without '=' has an empty value.
    private static IEnumerable<KeyValuePair<string, string>> ParseQuery(string query) =>
        query.Length == 0
            ? []
            : query.Split('&').Select(pair =>
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                return equals < 0 ? new KeyValuePair<string, string>(pair, "") : new(pair[..equals], pair[(equals + 1)..]);
            });
}
