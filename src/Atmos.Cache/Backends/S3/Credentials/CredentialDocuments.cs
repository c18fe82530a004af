using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.S3.Credentials;

/// <summary>
/// Reads credentials out of the documents credential endpoints answer with: the JSON of the
/// container and instance metadata endpoints, and the XML of STS. Errors never quote the document.
/// </summary>
internal static class CredentialDocuments
{
    /// <summary><c>{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}</c>.</summary>
    public static AwsCredentials FromJson(string json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return new AwsCredentials(
                String(root, "AccessKeyId") ?? throw Missing(source, "AccessKeyId"),
                String(root, "SecretAccessKey") ?? throw Missing(source, "SecretAccessKey"),
                String(root, "Token"),
                ParseTime(String(root, "Expiration")),
                source);
        }
        catch (JsonException)
        {
            throw new CacheUnavailableException($"The credentials from {source} are not the JSON document expected.");
        }
    }

    /// <summary>The <c>Credentials</c> element of an STS answer (namespaces ignored).</summary>
    public static AwsCredentials FromStsXml(string xml, string source)
    {
        XElement credentials;
        try
        {
            credentials = XDocument.Parse(xml).Descendants().FirstOrDefault(e => e.Name.LocalName == "Credentials")
                ?? throw Missing(source, "Credentials");
        }
        catch (System.Xml.XmlException)
        {
            throw new CacheUnavailableException($"The answer of {source} is not the XML document expected.");
        }

        string? Child(string name) => credentials.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        return new AwsCredentials(
            Child("AccessKeyId") ?? throw Missing(source, "AccessKeyId"),
            Child("SecretAccessKey") ?? throw Missing(source, "SecretAccessKey"),
            Child("SessionToken"),
            ParseTime(Child("Expiration")),
            source);
    }

    private static string? String(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static DateTimeOffset? ParseTime(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    private static CacheUnavailableException Missing(string source, string field) =>
        new($"The credentials from {source} lack {field}.");
}
