using Atmos.Cache.Backends.Blob;

namespace Atmos.Cache.Backends.Azure.Credentials;

/// <summary>
/// Authorizes blob requests with a Microsoft Entra ID bearer token, fetched once and reused until
/// five minutes before it expires; parallel requests share one refresh.
/// </summary>
internal sealed class BearerTokenAuthorizer(IAccessTokenSource source, TimeProvider? time = null) : IBlobAuthorizer
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private AccessToken? _token;

    public string Description => source.Description;

    public async ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(cancellationToken).ConfigureAwait(false);
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token.Value);
    }

    private async Task<AccessToken> TokenAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _token) is { } cached && !NearExpiry(cached))
        {
            return cached;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is { } again && !NearExpiry(again))
            {
                return again;
            }

            var fresh = await source.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _token, fresh);
            return fresh;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private bool NearExpiry(AccessToken token) => token.ExpiresOn - _time.GetUtcNow() < RefreshMargin;
}
