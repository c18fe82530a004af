using Atmos.Cache.Backends.GitHub.Http;

namespace Atmos.Cache.Backends.Blob;

/// <summary>
/// The detail of a refused blob request for a message: storage's error code when it sent one, else
/// the start of the body. Never the body when a code is known: an <c>AuthenticationFailed</c> body
/// quotes the request's signature and the string that was signed.
/// </summary>
internal static class BlobRefusal
{
    public static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (BlobRequests.ErrorCode(response) is { Length: > 0 } code)
        {
            return $" ({code})";
        }

        var body = await HttpResponses.ReadBodySnippetAsync(response, cancellationToken).ConfigureAwait(false);
        return HttpResponses.Suffix(body);
    }
}
