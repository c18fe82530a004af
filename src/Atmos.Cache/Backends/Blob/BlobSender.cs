namespace Atmos.Cache.Backends.Blob;

/// <summary>
/// Sends blob requests: each authorized as it leaves, answered as soon as the headers arrive.
/// <see cref="RefusalAdvice"/> is the sentence a refused transfer ends with (what the user can do).
/// </summary>
internal sealed class BlobSender(HttpClient http, IBlobAuthorizer authorizer, string refusalAdvice)
{
    /// <summary>The cache service's signed URLs: nothing to sign, and an expired URL is the usual refusal.</summary>
    public static BlobSender ForSignedUrls(HttpClient http) =>
        new(http, SignedUrlAuthorizer.Instance, "The signed URL may have expired; run the build again.");

    public string RefusalAdvice { get; } = refusalAdvice;

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await authorizer.AuthorizeAsync(request, cancellationToken).ConfigureAwait(false);
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }
}
