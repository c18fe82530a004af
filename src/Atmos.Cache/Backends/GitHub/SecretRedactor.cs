using System.Text.RegularExpressions;

namespace Atmos.Cache.Backends.GitHub;

/// <summary>
/// The one place that strips secrets from text before it reaches a log line, message or exception:
/// the tokens the backend holds, any <c>sig=</c> value, the whole query string of any URL (signed
/// URLs carry their SAS there) and bearer credentials.
/// </summary>
internal sealed partial class SecretRedactor
{
    public const string Mask = "***";

    private readonly string[] _secrets;

    public SecretRedactor(params string?[] secrets) =>
        _secrets = [.. secrets.Where(secret => !string.IsNullOrEmpty(secret)).Select(secret => secret!).Distinct(StringComparer.Ordinal)];

    /// <summary>A redactor that knows no tokens: still strips signatures and query strings.</summary>
    public static SecretRedactor Empty { get; } = new();

    /// <summary>Returns <paramref name="text"/> with every secret masked.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var redacted = text;
        foreach (var secret in _secrets)
        {
            redacted = redacted.Replace(secret, Mask, StringComparison.Ordinal);
        }

        redacted = UrlUserInfo().Replace(redacted, "$1" + Mask + "@");
        redacted = UrlQuery().Replace(redacted, "$1?" + Mask);
        redacted = Signature().Replace(redacted, "$1" + Mask);
        return BearerCredential().Replace(redacted, "$1" + Mask);
    }

    /// <summary>A URL fit for a message: scheme, host and path, with any query string masked.</summary>
    public static string RedactUrl(Uri url)
    {
        var withoutQuery = url.GetLeftPart(UriPartial.Path);
        return string.IsNullOrEmpty(url.Query) ? withoutQuery : withoutQuery + "?" + Mask;
    }

    // Credentials embedded in a URL, as in https://user:token@host/.
    [GeneratedRegex(@"(://)[^/\s@""'<>]+@")]
    private static partial Regex UrlUserInfo();

    // A URL followed by a query string: keep the URL up to the '?', mask the rest.
    [GeneratedRegex(@"([a-zA-Z][a-zA-Z0-9+.-]*://[^\s?#""'<>]*)\?[^\s""'<>]*")]
    private static partial Regex UrlQuery();

    // A bare signature parameter (e.g. inside a logged query fragment).
    [GeneratedRegex(@"((?:^|[?&\s;])sig=)[^&\s""'<>]*", RegexOptions.IgnoreCase)]
    private static partial Regex Signature();

    [GeneratedRegex(@"(\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}")]
    private static partial Regex BearerCredential();
}
