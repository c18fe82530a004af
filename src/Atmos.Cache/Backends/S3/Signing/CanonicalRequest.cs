using System.Text;

namespace Atmos.Cache.Backends.S3.Signing;

/// <summary>
/// The canonical form of a request that Signature V4 signs: method, encoded path, sorted encoded
/// query, lower-cased sorted headers with trimmed values (repeated headers joined by commas), the
/// list of signed header names, and the payload's hex SHA-256.
/// </summary>
internal sealed class CanonicalRequest
{
    private CanonicalRequest(string text, string signedHeaders)
    {
        Text = text;
        SignedHeaders = signedHeaders;
    }

    /// <summary>The canonical request text.</summary>
    public string Text { get; }

    /// <summary>The signed header names, lower case, <c>;</c>-separated.</summary>
    public string SignedHeaders { get; }

    /// <param name="method">The HTTP method.</param>
    /// <param name="encodedPath">The path exactly as sent (already encoded with <see cref="AwsUriEncoding.EncodePath"/>).</param>
    /// <param name="query">The query parameters, not encoded.</param>
    /// <param name="headers">The headers to sign, in any order and case; a name may repeat.</param>
    /// <param name="payloadHash">The hex SHA-256 of the body, or <c>UNSIGNED-PAYLOAD</c>.</param>
    public static CanonicalRequest Create(
        string method,
        string encodedPath,
        IEnumerable<KeyValuePair<string, string>> query,
        IEnumerable<KeyValuePair<string, string>> headers,
        string payloadHash)
    {
        var canonicalQuery = CanonicalQuery(query);

        var grouped = headers
            .GroupBy(h => h.Key.Trim().ToLowerInvariant(), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Value: string.Join(',', g.Select(h => TrimValue(h.Value)))))
            .ToList();

        var text = new StringBuilder()
            .Append(method.ToUpperInvariant()).Append('\n')
            .Append(encodedPath.Length == 0 ? "/" : encodedPath).Append('\n')
            .Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in grouped)
        {
            text.Append(name).Append(':').Append(value).Append('\n');
        }

        var signedHeaders = string.Join(';', grouped.Select(h => h.Name));
        text.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return new CanonicalRequest(text.ToString(), signedHeaders);
    }

    /// <summary>Query parameters encoded and sorted by name, then value: <c>a=1&amp;b=2</c>.</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> query) =>
        string.Join('&', query
            .Select(p => (Name: AwsUriEncoding.Encode(p.Key), Value: AwsUriEncoding.Encode(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value));

    // Leading and trailing spaces go, and runs of spaces inside become one.
    private static string TrimValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value.Trim())
        {
            if (c == ' ')
            {
                space = true;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
