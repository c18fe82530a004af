namespace Atmos.Cache.Backends.Blob;

/// <summary>
/// How a request to blob storage proves its right: nothing to add for a URL that carries its own
/// signature (a SAS), a Shared Key signature or a bearer token otherwise. Called for every attempt,
/// just before it leaves, so a signature covers the final headers and a fresh date.
/// </summary>
internal interface IBlobAuthorizer
{
    ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken);
}

/// <summary>A URL whose query carries the signature (the cache service's signed URLs, a SAS token): nothing to add.</summary>
internal sealed class SignedUrlAuthorizer : IBlobAuthorizer
{
    public static SignedUrlAuthorizer Instance { get; } = new();

    private SignedUrlAuthorizer()
    {
    }

    public ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
