using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Atmos.Cache.S3.Tests.Infrastructure;

/// <summary>
/// A local HTTP endpoint on 127.0.0.1 (free port) answering with a handler: stands in for STS, the
/// container credential agent and the instance metadata service. Records every request it saw.
/// </summary>
public sealed class FakeEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeEndpoint(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public static async Task<FakeEndpoint> StartAsync(Func<HttpContext, string, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeEndpoint? endpoint = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            endpoint!.Requests.Enqueue(new SeenRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body));
            await handler(context, body);
        });
        await app.StartAsync();
        var address = app.Urls.First();
        endpoint = new FakeEndpoint(app, new Uri(address));
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <param name="RawTarget">The request target exactly as sent (path and query still encoded).</param>
    public sealed record SeenRequest(string Method, string PathAndQuery, string RawTarget, IReadOnlyDictionary<string, string> Headers, string Body);
}
