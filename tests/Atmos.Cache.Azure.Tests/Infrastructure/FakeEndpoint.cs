using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Atmos.Cache.Azure.Tests.Infrastructure;

/// <summary>
/// A local HTTP endpoint on 127.0.0.1 (free port) answering with a handler: plays Microsoft Entra
/// ID, the instance metadata service, the CI systems' OIDC endpoints and, where Azurite cannot (a
/// bearer token over plain http), the Blob service. Records every request it saw.
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
                context.Request.Path.Value ?? "",
                context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body));
            await handler(context, body);
        });
        await app.StartAsync();
        endpoint = new FakeEndpoint(app, new Uri(app.Urls.First()));
        return endpoint;
    }

    /// <summary>Answers with a status, a body and its content type.</summary>
    public static Task Answer(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record SeenRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        /// <summary>The form fields of a form-encoded body.</summary>
        public IReadOnlyDictionary<string, string> Form =>
            Body.Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(pair => pair.Split('=', 2))
                .ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "", StringComparer.Ordinal);
    }
}
