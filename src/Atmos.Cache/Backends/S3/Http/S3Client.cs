using System.Globalization;
using System.Net;
using System.Text;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Backends.S3.Credentials;
using Atmos.Cache.Backends.S3.Signing;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.S3.Http;

/// <summary>
/// The S3 operations the backend uses, each a Signature V4 signed request over <see cref="HttpClient"/>,
/// signed anew for every attempt and retried by the shared <see cref="RetryPolicy"/> (5xx, 429,
/// <c>SlowDown</c>, <c>RequestTimeout</c>, resets and timeouts). Messages carry S3's error code and
/// message, never a body, a header or a credential.
/// </summary>
internal sealed class S3Client(HttpClient http, S3Addressing addressing, SigV4Signer signer, IAwsCredentialProvider credentials, RetryPolicy retry, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The object's size, or null when it does not exist.</summary>
    public Task<long?> HeadAsync(string objectKey, CancellationToken cancellationToken) =>
        SendAsync($"Looking up s3 object '{objectKey}'", retry.Settings.RequestTimeout, new S3Request(HttpMethod.Head, objectKey), async (response, what, token) =>
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return (long?)null;
            }

            await EnsureAsync(response, HttpStatusCode.OK, what, token).ConfigureAwait(false);
            return response.Content.Headers.ContentLength ?? throw new CacheBackendException($"{what}: S3 sent no Content-Length.");
        }, cancellationToken);

    /// <summary>
    /// Puts a whole object only if no object has its name (<c>If-None-Match: *</c>). False when one
    /// exists (412) or a concurrent conditional write won (409).
    /// </summary>
    public Task<bool> PutObjectIfAbsentAsync(string objectKey, Func<HttpContent> content, string payloadHash, CancellationToken cancellationToken) =>
        SendAsync($"Uploading s3 object '{objectKey}'", retry.Settings.TransferTimeout,
            new S3Request(HttpMethod.Put, objectKey) { Content = content, PayloadHash = payloadHash, Headers = [IfNoneMatch] },
            WrittenUnlessExistsAsync, cancellationToken);

    public Task<string> CreateMultipartUploadAsync(string objectKey, CancellationToken cancellationToken) =>
        SendAsync($"Starting a multipart upload of '{objectKey}'", retry.Settings.RequestTimeout,
            new S3Request(HttpMethod.Post, objectKey) { Query = [new("uploads", "")] }, async (response, what, token) =>
            {
                await EnsureAsync(response, HttpStatusCode.OK, what, token).ConfigureAwait(false);
                return S3Xml.InitiateUploadId(await response.Content.ReadAsStringAsync(token).ConfigureAwait(false));
            }, cancellationToken);

    /// <summary>Uploads part <paramref name="partNumber"/> (from 1) and returns its ETag.</summary>
    public Task<string> UploadPartAsync(string objectKey, string uploadId, int partNumber, Func<HttpContent> content, string payloadHash, CancellationToken cancellationToken) =>
        SendAsync($"Uploading part {partNumber} of '{objectKey}'", retry.Settings.TransferTimeout,
            new S3Request(HttpMethod.Put, objectKey)
            {
                Query = [new("partNumber", partNumber.ToString(CultureInfo.InvariantCulture)), new("uploadId", uploadId)],
                Content = content,
                PayloadHash = payloadHash,
            },
            async (response, what, token) =>
            {
                await EnsureAsync(response, HttpStatusCode.OK, what, token).ConfigureAwait(false);
                return response.Headers.ETag?.ToString()
                    ?? (response.Headers.TryGetValues("ETag", out var values) ? values.First() : throw new CacheBackendException($"{what}: S3 sent no ETag."));
            }, cancellationToken);

    /// <summary>
    /// Completes the upload only if no object has its name (<c>If-None-Match: *</c>). False when one
    /// exists. S3 may answer 200 with an error in the body; that counts as the error.
    /// </summary>
    public Task<bool> CompleteMultipartUploadIfAbsentAsync(string objectKey, string uploadId, IReadOnlyList<string> etags, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(S3Xml.CompleteBody(etags));
        return SendAsync($"Completing the multipart upload of '{objectKey}'", retry.Settings.TransferTimeout,
            new S3Request(HttpMethod.Post, objectKey)
            {
                Query = [new("uploadId", uploadId)],
                Headers = [IfNoneMatch],
                Content = () => new ByteArrayContent(body),
                PayloadHash = SigV4Signer.PayloadHash(body),
            },
            WrittenUnlessExistsAsync, cancellationToken);
    }

    /// <summary>Drops an unfinished upload's parts; best effort.</summary>
    public Task AbortMultipartUploadAsync(string objectKey, string uploadId, CancellationToken cancellationToken) =>
        SendAsync($"Aborting the multipart upload of '{objectKey}'", retry.Settings.RequestTimeout,
            new S3Request(HttpMethod.Delete, objectKey) { Query = [new("uploadId", uploadId)] }, async (response, what, token) =>
            {
                if (response.StatusCode != HttpStatusCode.NotFound)
                {
                    await EnsureAsync(response, HttpStatusCode.NoContent, what, token).ConfigureAwait(false);
                }

                return true;
            }, cancellationToken);

    /// <summary>Sends a ranged GET and hands the response (already checked to be the range asked for) to <paramref name="read"/>.</summary>
    public Task<T> GetRangeAsync<T>(string objectKey, long start, long end, Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        SendAsync($"Downloading bytes {start}-{end} of '{objectKey}'", retry.Settings.TransferTimeout,
            new S3Request(HttpMethod.Get, objectKey) { Headers = [new("Range", $"bytes={start.ToString(CultureInfo.InvariantCulture)}-{end.ToString(CultureInfo.InvariantCulture)}")] },
            async (response, what, token) =>
            {
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new CacheNotFoundException($"The s3 object '{objectKey}' was deleted while it was being downloaded.");
                }

                await EnsureAsync(response, HttpStatusCode.PartialContent, what, token).ConfigureAwait(false);
                var range = response.Content.Headers.ContentRange;
                if (range is null || range.From != start || range.To != end)
                {
                    throw new CacheBackendException($"{what}: S3 sent a different range ({range}).");
                }

                return await read(response, token).ConfigureAwait(false);
            }, cancellationToken);

    /// <summary>One page of ListObjectsV2.</summary>
    public Task<S3ListPage> ListPageAsync(string prefix, string? delimiter, string? continuationToken, int maxKeys, CancellationToken cancellationToken)
    {
        var query = new List<KeyValuePair<string, string>>
        {
            new("list-type", "2"),
            new("prefix", prefix),
            new("max-keys", maxKeys.ToString(CultureInfo.InvariantCulture)),
        };
        if (delimiter is not null)
        {
            query.Add(new("delimiter", delimiter));
        }

        if (continuationToken is not null)
        {
            query.Add(new("continuation-token", continuationToken));
        }

        return SendAsync($"Listing s3 objects under '{prefix}'", retry.Settings.RequestTimeout, new S3Request(HttpMethod.Get, null) { Query = query }, async (response, what, token) =>
        {
            await EnsureAsync(response, HttpStatusCode.OK, what, token).ConfigureAwait(false);
            return S3Xml.ListPage(await response.Content.ReadAsStringAsync(token).ConfigureAwait(false));
        }, cancellationToken);
    }

    /// <summary>Every object under the prefix, following continuation tokens.</summary>
    public async Task<IReadOnlyList<S3Object>> ListAllAsync(string prefix, int pageSize, CancellationToken cancellationToken)
    {
        var objects = new List<S3Object>();
        string? token = null;
        do
        {
            var page = await ListPageAsync(prefix, null, token, pageSize, cancellationToken).ConfigureAwait(false);
            objects.AddRange(page.Objects);
            token = page.ContinuationToken;
        }
        while (token is not null);
        return objects;
    }

    /// <summary>Every common prefix under the prefix for the delimiter, following continuation tokens.</summary>
    public async Task<IReadOnlyList<string>> ListCommonPrefixesAsync(string prefix, string delimiter, int pageSize, CancellationToken cancellationToken)
    {
        var prefixes = new List<string>();
        string? token = null;
        do
        {
            var page = await ListPageAsync(prefix, delimiter, token, pageSize, cancellationToken).ConfigureAwait(false);
            prefixes.AddRange(page.CommonPrefixes);
            token = page.ContinuationToken;
        }
        while (token is not null);
        return prefixes;
    }

    /// <summary>Deletes an object; a missing object is not an error.</summary>
    public Task DeleteAsync(string objectKey, CancellationToken cancellationToken) =>
        SendAsync($"Deleting s3 object '{objectKey}'", retry.Settings.RequestTimeout, new S3Request(HttpMethod.Delete, objectKey), async (response, what, token) =>
        {
            if (response.StatusCode is not (HttpStatusCode.NoContent or HttpStatusCode.OK or HttpStatusCode.NotFound))
            {
                await EnsureAsync(response, HttpStatusCode.NoContent, what, token).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    private static readonly KeyValuePair<string, string> IfNoneMatch = new("If-None-Match", "*");

    private static async Task<bool> WrittenUnlessExistsAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        // 412: an object has the name. 409: a concurrent conditional write to the same name is in progress.
        if (response.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            return false;
        }

        await EnsureAsync(response, HttpStatusCode.OK, what, cancellationToken).ConfigureAwait(false);
        // CompleteMultipartUpload can fail after its 200 status line: the error is in the body.
        if (response.Content.Headers.ContentType?.MediaType is { } type && type.Contains("xml", StringComparison.OrdinalIgnoreCase))
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (S3ErrorDocument.TryParse(body) is { } error)
            {
                throw error.IsTransient
                    ? new TransientHttpException($"{what}: S3 answered 200 with {error}")
                    : new CacheBackendException($"{what} failed: {error}");
            }
        }

        return true;
    }

    /// <summary>Throws for any status but <paramref name="expected"/> (200 also accepted): transient codes as retryable, the rest as a failure.</summary>
    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, string what, CancellationToken cancellationToken)
    {
        if (response.StatusCode == expected || response.StatusCode == HttpStatusCode.OK)
        {
            return;
        }

        var body = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        var error = S3ErrorDocument.TryParse(body);
        var text = $"{what}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}{(error is null ? "" : $" ({error})")}";
        if (HttpResponses.IsTransient(response.StatusCode) || error?.IsTransient == true)
        {
            throw new TransientHttpException(text, HttpResponses.RetryAfter(response.Headers.RetryAfter, DateTimeOffset.UtcNow));
        }

        throw new CacheBackendException(text + Advice(response, error));
    }

    private static string Advice(HttpResponseMessage response, S3ErrorDocument? error) => (response.StatusCode, error?.Code) switch
    {
        // S3 names the bucket's region on a redirect, even to a HEAD without a body.
        _ when response.Headers.TryGetValues("x-amz-bucket-region", out var regions) && (int)response.StatusCode is 301 or 400 =>
            $". The bucket is in region {regions.First()}: set AtmosCacheS3Region={regions.First()}.",
        (_, "RequestTimeTooSkewed") => ". This machine's clock is more than 15 minutes off; fix its time.",
        (_, "SignatureDoesNotMatch") => ". The secret key does not match the access key, or the region or endpoint is wrong.",
        (_, "InvalidAccessKeyId") => ". The access key is not known to this service.",
        (_, "NoSuchBucket") => ". Create the bucket or fix AtmosCacheS3Bucket.",
        (_, "PermanentRedirect" or "AuthorizationHeaderMalformed") => ". The bucket is in another region: set AtmosCacheS3Region.",
        (HttpStatusCode.Forbidden, "AccessDenied") => ". The credentials lack permission for this bucket and prefix.",
        // A HEAD answer has no body, so no error code: name the likely causes, most likely first.
        (HttpStatusCode.Forbidden, null) =>
            ". S3 gave no reason; the likely causes, in order: a wrong secret access key or session token (AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; an expired token too), this machine's clock more than 15 minutes off, or credentials that lack permission for this bucket and prefix.",
        (HttpStatusCode.Forbidden, _) => ". The credentials lack permission for this bucket and prefix.",
        _ => ".",
    };

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return "";
        }
    }

    private async Task<T> SendAsync<T>(
        string what, TimeSpan attemptTimeout, S3Request s3Request, Func<HttpResponseMessage, string, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        await retry.ExecuteAsync(what, attemptTimeout, async token =>
        {
            using var request = await SignAsync(s3Request, token).ConfigureAwait(false);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            return await read(response, what, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

    private async Task<HttpRequestMessage> SignAsync(S3Request s3Request, CancellationToken cancellationToken)
    {
        var current = await credentials.GetAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var path = addressing.Path(s3Request.ObjectKey);
        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", addressing.Host),
            new("x-amz-content-sha256", s3Request.PayloadHash),
            new("x-amz-date", SigV4Signer.AmzDate(now)),
        };
        if (current.SessionToken is { } sessionToken)
        {
            headers.Add(new("x-amz-security-token", sessionToken));
        }

        headers.AddRange(s3Request.Headers);
        var canonical = CanonicalRequest.Create(s3Request.Method.Method, path, s3Request.Query, headers, s3Request.PayloadHash);
        var request = new HttpRequestMessage(s3Request.Method, addressing.Url(path, s3Request.Query));
        request.Headers.Host = addressing.Host;
        foreach (var (name, value) in headers.Skip(1))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.TryAddWithoutValidation("Authorization", signer.Authorization(canonical, current, now));
        if (s3Request.Content is { } content)
        {
            request.Content = content();
        }
        else if (s3Request.Method == HttpMethod.Put || s3Request.Method == HttpMethod.Post)
        {
            request.Content = new ByteArrayContent([]);
        }

        return request;
    }
}
