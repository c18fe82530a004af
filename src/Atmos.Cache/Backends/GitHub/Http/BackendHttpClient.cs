namespace Atmos.Cache.Backends.GitHub.Http;

/// <summary>
/// The HTTP client the backend uses: one pooled client per process (sockets are reused across
/// backends), no automatic redirects so credentials never follow one, and no client-wide timeout
/// because every attempt carries its own.
/// </summary>
internal static class BackendHttpClient
{
    private static readonly Lazy<HttpClient> Shared = new(() => Create(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
        UseCookies = false,
    }));

    public static HttpClient Get(HttpMessageHandler? handler) => handler is null ? Shared.Value : Create(handler);

    private static HttpClient Create(HttpMessageHandler handler) => new(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
}
