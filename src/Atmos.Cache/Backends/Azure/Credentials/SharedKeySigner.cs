using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Atmos.Cache.Backends.Blob;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.Azure.Credentials;

/// <summary>
/// Shared Key authorization of Azure Storage (the account key, never sent): an HMAC-SHA256 over the
/// verb, the standard headers, the <c>x-ms-</c> headers and the canonicalized resource, in the form
/// of service versions 2015-02-21 and later (a zero Content-Length signs as empty). Each attempt is
/// signed as it leaves, with a fresh <c>x-ms-date</c>.
/// </summary>
internal sealed class SharedKeySigner : IBlobAuthorizer
{
    private readonly string _account;
    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public SharedKeySigner(string account, string base64Key, TimeProvider? time = null)
    {
        _account = account;
        try
        {
            _key = Convert.FromBase64String(base64Key);
        }
        catch (FormatException)
        {
            // Never the key itself in the message.
            throw new CacheConfigurationException(
                $"The storage account key (from {AzureEnvironment.AccountKey} or the connection string's AccountKey) is not base64. Copy it again from the storage account's 'Access keys' page.");
        }

        _time = time ?? TimeProvider.System;
    }

    public ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove("x-ms-date");
        request.Headers.TryAddWithoutValidation("x-ms-date", _time.GetUtcNow().ToString("R", CultureInfo.InvariantCulture));
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", $"SharedKey {_account}:{Signature(StringToSign(request))}");
        return ValueTask.CompletedTask;
    }

    public string Signature(string stringToSign)
    {
        using var hmac = new HMACSHA256(_key);
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>The string the signature covers.</summary>
    public string StringToSign(HttpRequestMessage request)
    {
        var content = request.Content?.Headers;
        var length = content?.ContentLength is { } n && n > 0 ? n.ToString(CultureInfo.InvariantCulture) : "";
        var text = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(Header(content, "Content-Encoding")).Append('\n')
            .Append(Header(content, "Content-Language")).Append('\n')
            .Append(length).Append('\n')
            .Append(Header(content, "Content-MD5")).Append('\n')
            .Append(Header(content, "Content-Type")).Append('\n')
            .Append(Header(request.Headers, "Date")).Append('\n')
            .Append(Header(request.Headers, "If-Modified-Since")).Append('\n')
            .Append(Header(request.Headers, "If-Match")).Append('\n')
            .Append(Header(request.Headers, "If-None-Match")).Append('\n')
            .Append(Header(request.Headers, "If-Unmodified-Since")).Append('\n')
            .Append(Header(request.Headers, "Range")).Append('\n');
        AppendCanonicalHeaders(text, request);
        AppendCanonicalResource(text, request.RequestUri ?? throw new ArgumentException("The request has no URL."));
        return text.ToString();
    }

    private static string Header(System.Net.Http.Headers.HttpHeaders? headers, string name) =>
        headers is not null && headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    private static void AppendCanonicalHeaders(StringBuilder text, HttpRequestMessage request)
    {
        var headers = request.Headers.AsEnumerable();
        if (request.Content is not null)
        {
            headers = headers.Concat(request.Content.Headers);
        }

        foreach (var (name, values) in headers
            .Where(h => h.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Values: h.Value))
            .OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            text.Append(name).Append(':').Append(string.Join(",", values.Select(v => UnfoldWhitespace(v.Trim())))).Append('\n');
        }
    }

    /// <summary><c>/account/path</c>, then each query parameter as <c>\nname:value</c>, names lower-case and sorted, values decoded.</summary>
    private void AppendCanonicalResource(StringBuilder text, Uri url)
    {
        text.Append('/').Append(_account).Append(url.AbsolutePath);
        var parameters = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]).ToLowerInvariant();
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (!parameters.TryGetValue(name, out var list))
            {
                parameters[name] = list = [];
            }

            list.Add(value);
        }

        foreach (var (name, values) in parameters)
        {
            values.Sort(StringComparer.Ordinal);
            text.Append('\n').Append(name).Append(':').Append(string.Join(",", values));
        }
    }

    private static string UnfoldWhitespace(string value)
    {
        var text = new StringBuilder(value.Length);
        var previousSpace = false;
        foreach (var c in value)
        {
            var space = c is ' ' or '\t' or '\r' or '\n';
            if (!space || !previousSpace)
            {
                text.Append(space ? ' ' : c);
            }

            previousSpace = space;
        }

        return text.ToString();
    }
}
