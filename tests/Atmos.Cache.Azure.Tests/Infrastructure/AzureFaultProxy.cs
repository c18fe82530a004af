using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Atmos.Cache.Azure.Tests.Infrastructure;

/// <summary>
/// A proxy on 127.0.0.1 in front of Azurite that forwards every request unchanged (Shared Key signs
/// the path, not the host, so signatures still verify), counts requests by kind and how many of a
/// kind were in flight at once, and injects faults one per matching request: a storage error with
/// its code (500 InternalError, 503 ServerBusy), a cut connection (half a download body, or an
/// upload dropped before any answer), or no answer at all (a stall the client's timeout ends).
/// </summary>
public sealed class AzureFaultProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly Uri _target;
    private readonly ConcurrentQueue<(RequestKind Kind, FaultKind What)> _faults = new();
    private readonly ConcurrentDictionary<RequestKind, int> _counts = new();
    private readonly ConcurrentDictionary<RequestKind, int> _inFlight = new();
    private readonly ConcurrentDictionary<RequestKind, int> _maxInFlight = new();
    private readonly List<(RequestKind Kind, int Count, TaskCompletionSource Done)> _waiters = [];
    private int _injected;

    private AzureFaultProxy(WebApplication app, Uri target)
    {
        _app = app;
        _target = target;
    }

    public enum RequestKind { Properties, PutBlob, PutBlock, PutBlockList, RangedGet, Get, List, Delete, Other }

    public enum FaultKind { InternalError, ServerBusy, Cut, Stall }

    public Uri Url { get; private set; } = null!;

    public int Injected => Volatile.Read(ref _injected);

    public int Count(RequestKind kind) => _counts.GetValueOrDefault(kind);

    public int MaxInFlight(RequestKind kind) => _maxInFlight.GetValueOrDefault(kind);

    /// <summary>Every request seen, in order: method, path and query, and the headers that matter to the tests.</summary>
    public ConcurrentQueue<(RequestKind Kind, string Method, string Target, string? IfNoneMatch, string? Authorization)> Seen { get; } = new();

    /// <summary>Completes once <paramref name="count"/> requests of <paramref name="kind"/> have arrived (fails after 60 s).</summary>
    public Task WaitForAsync(RequestKind kind, int count, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (Count(kind) >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((kind, count, done));
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
    }

    /// <summary>Injects <paramref name="what"/> into the next <paramref name="times"/> requests of <paramref name="kind"/>.</summary>
    public void Inject(RequestKind kind, FaultKind what, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _faults.Enqueue((kind, what));
        }
    }

    public static async Task<AzureFaultProxy> StartAsync(Uri target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        var proxy = new AzureFaultProxy(app, target);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        proxy.Url = new Uri(app.Urls.First());
        return proxy;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var kind = Classify(context.Request);
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        Seen.Enqueue((kind, context.Request.Method, rawTarget, context.Request.Headers.IfNoneMatch.FirstOrDefault(), context.Request.Headers.Authorization.FirstOrDefault()));
        var seen = _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);
        lock (_waiters)
        {
            foreach (var waiter in _waiters.Where(w => w.Kind == kind && seen >= w.Count).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        var now = _inFlight.AddOrUpdate(kind, 1, (_, n) => n + 1);
        _maxInFlight.AddOrUpdate(kind, now, (_, max) => Math.Max(max, now));
        try
        {
            await ForwardAsync(context, rawTarget, kind, TakeFault(kind));
        }
        finally
        {
            _inFlight.AddOrUpdate(kind, 0, (_, n) => n - 1);
        }
    }

    private FaultKind? TakeFault(RequestKind kind)
    {
        // Only the head of the queue is consulted, so faults are taken in the order they were injected.
        lock (_faults)
        {
            if (_faults.TryPeek(out var next) && next.Kind == kind && _faults.TryDequeue(out var fault))
            {
                Interlocked.Increment(ref _injected);
                return fault.What;
            }
        }

        return null;
    }

    private async Task ForwardAsync(HttpContext context, string rawTarget, RequestKind kind, FaultKind? fault)
    {
        var request = context.Request;
        if (fault is FaultKind.InternalError or FaultKind.ServerBusy)
        {
            await request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            var (status, code) = fault == FaultKind.ServerBusy ? (503, "ServerBusy") : (500, "InternalError");
            context.Response.StatusCode = status;
            context.Response.Headers["x-ms-error-code"] = code;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync($"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>injected by the test proxy</Message></Error>");
            return;
        }

        if (fault == FaultKind.Stall)
        {
            // No answer until the client gave up on this attempt (or 30 s).
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }

            return;
        }

        if (fault == FaultKind.Cut && kind is not (RequestKind.RangedGet or RequestKind.Get))
        {
            // An upload whose connection drops before any answer.
            var some = new byte[64 * 1024];
            _ = await request.Body.ReadAsync(some, context.RequestAborted);
            context.Abort();
            return;
        }

        var url = new Uri(_target.GetLeftPart(UriPartial.Authority) + rawTarget, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), url);
        if (request.ContentLength is > 0 || request.Headers.ContainsKey("Transfer-Encoding"))
        {
            forward.Content = new StreamContent(request.Body);
        }

        foreach (var header in request.Headers)
        {
            if (HopByHop.Contains(header.Key) || header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (header.Key.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                forward.Content ??= new ByteArrayContent([]);
                forward.Content.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
            else
            {
                forward.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }

        using var response = await _upstream.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(header.Key))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        if (fault == FaultKind.Cut && response.Content.Headers.ContentLength is > 1 and var length)
        {
            var half = new byte[length / 2];
            await body.ReadExactlyAsync(half, context.RequestAborted);
            await context.Response.Body.WriteAsync(half, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            // The promised Content-Length is never reached: the client sees the body end early.
            context.Abort();
            return;
        }

        if (request.Method != "HEAD")
        {
            await body.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }

    private static RequestKind Classify(HttpRequest request)
    {
        var query = request.Query;
        var comp = query["comp"].ToString();
        return request.Method switch
        {
            "HEAD" => RequestKind.Properties,
            "GET" when comp == "list" => RequestKind.List,
            "GET" when request.Headers.ContainsKey("x-ms-range") || request.Headers.ContainsKey("Range") => RequestKind.RangedGet,
            "GET" => RequestKind.Get,
            "PUT" when comp == "block" => RequestKind.PutBlock,
            "PUT" when comp == "blocklist" => RequestKind.PutBlockList,
            "PUT" when query.Count == 0 || !query.ContainsKey("restype") => RequestKind.PutBlob,
            "DELETE" => RequestKind.Delete,
            _ => RequestKind.Other,
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
