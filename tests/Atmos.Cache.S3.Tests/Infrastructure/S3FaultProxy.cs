using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Atmos.Cache.S3.Tests.Infrastructure;

/// <summary>
/// A proxy on 127.0.0.1 in front of s3rver that forwards every request unchanged (the Host header
/// included, so Signature V4 still verifies), counts requests by kind and how many of a kind were in
/// flight at once, and injects faults one per matching request: an S3 error status with its code
/// (500 InternalError, 503 SlowDown) or a cut connection (half a download body, or an upload dropped).
/// </summary>
public sealed class S3FaultProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly Uri _target;
    private readonly ConcurrentQueue<Fault> _faults = new();
    private readonly ConcurrentDictionary<RequestKind, int> _counts = new();
    private readonly ConcurrentDictionary<RequestKind, int> _inFlight = new();
    private readonly ConcurrentDictionary<RequestKind, int> _maxInFlight = new();
    private readonly List<(RequestKind Kind, int Count, TaskCompletionSource Done)> _waiters = [];
    private int _injected;

    private S3FaultProxy(WebApplication app, Uri target)
    {
        _app = app;
        _target = target;
    }

    public enum RequestKind { Head, PutObject, CreateUpload, UploadPart, CompleteUpload, AbortUpload, RangedGet, Get, List, Delete, Other }

    public enum FaultKind { InternalError, SlowDown, Cut }

    private sealed record Fault(RequestKind Kind, FaultKind What);

    public Uri Url { get; private set; } = null!;

    public int Injected => Volatile.Read(ref _injected);

    public int Count(RequestKind kind) => _counts.GetValueOrDefault(kind);

    public int MaxInFlight(RequestKind kind) => _maxInFlight.GetValueOrDefault(kind);

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
            _faults.Enqueue(new Fault(kind, what));
        }
    }

    /// <summary>Drops the faults not injected yet.</summary>
    public void ClearFaults()
    {
        lock (_faults)
        {
            _faults.Clear();
        }
    }

    public static async Task<S3FaultProxy> StartAsync(Uri target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        var proxy = new S3FaultProxy(app, target);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        proxy.Url = new Uri(app.Urls.First());
        return proxy;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var kind = Classify(context.Request);
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
            await ForwardAsync(context, kind, TakeFault(kind));
        }
        finally
        {
            _inFlight.AddOrUpdate(kind, 0, (_, n) => n - 1);
        }
    }

    private FaultKind? TakeFault(RequestKind kind)
    {
        // Only the head of the queue is consulted when it matches, so faults are taken in order.
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

    private async Task ForwardAsync(HttpContext context, RequestKind kind, FaultKind? fault)
    {
        var request = context.Request;
        if (fault is FaultKind.InternalError or FaultKind.SlowDown)
        {
            await request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            var (status, code) = fault == FaultKind.SlowDown ? (503, "SlowDown") : (500, "InternalError");
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>injected by the test proxy</Message></Error>");
            return;
        }

        if (fault == FaultKind.Cut && kind != RequestKind.RangedGet && kind != RequestKind.Get)
        {
            // An upload whose connection drops before any answer.
            var half = new byte[64 * 1024];
            _ = await request.Body.ReadAsync(half, context.RequestAborted);
            context.Abort();
            return;
        }

        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var url = new Uri(_target.GetLeftPart(UriPartial.Authority) + rawTarget, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), url);
        if (request.ContentLength is > 0 || request.Headers.ContainsKey("Transfer-Encoding"))
        {
            forward.Content = new StreamContent(request.Body);
        }

        foreach (var header in request.Headers)
        {
            if (HopByHop.Contains(header.Key))
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
        var segments = request.Path.Value!.Trim('/').Split('/').Length;
        var isBucket = segments <= 1;
        return request.Method switch
        {
            "HEAD" => RequestKind.Head,
            "GET" when isBucket => RequestKind.List,
            "GET" when request.Headers.ContainsKey("Range") => RequestKind.RangedGet,
            "GET" => RequestKind.Get,
            "PUT" when query.ContainsKey("partNumber") => RequestKind.UploadPart,
            "PUT" => RequestKind.PutObject,
            "POST" when query.ContainsKey("uploads") => RequestKind.CreateUpload,
            "POST" when query.ContainsKey("uploadId") => RequestKind.CompleteUpload,
            "DELETE" when query.ContainsKey("uploadId") => RequestKind.AbortUpload,
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
