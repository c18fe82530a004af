
namespace Atmos.Cache.Emulator.Api;

/// <summary>
/// Stands between the signed URLs and Azurite: forwards every blob request unchanged, counting
/// what kind it was, and injects the faults asked for (500 on uploads, a download cut short
/// mid-body, a dropped connection, the service down).
/// </summary>
internal sealed class BlobProxy(CacheServiceEmulator emulator, HttpClient azurite)
{
    private static readonly HashSet<string> HopByHopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer",
    };

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var comp = request.Query["comp"].ToString();
        var isGet = HttpMethods.IsGet(request.Method);
        var kind = request.Method switch
        {
            "PUT" when comp == "block" => EmulatorStats.PutBlock,
            "PUT" when comp == "blocklist" => EmulatorStats.PutBlockList,
            "PUT" => EmulatorStats.PutBlob,
            "HEAD" => EmulatorStats.Head,
            "GET" when request.Headers.ContainsKey("x-ms-range") || request.Headers.ContainsKey("Range") => EmulatorStats.RangedGet,
            "GET" => EmulatorStats.WholeGet,
            _ => "blob." + request.Method,
        };
        emulator.Stats.Count(kind);

        if (await emulator.TryInjectAsync(context, null, twirp: false).ConfigureAwait(false))
        {
            return;
        }

        var failUpload = (kind == EmulatorStats.PutBlock && emulator.Faults.TakeBlockUploadFailure())
            || (kind == EmulatorStats.PutBlob && emulator.Faults.TakePutBlobFailure());
        if (failUpload)
        {
            emulator.Stats.Count(EmulatorStats.InjectedFault);
            // Read the body first so the client sees the 500, not a connection torn mid-upload.
            await request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = 500;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync($"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>InternalError</Code><Message>injected fault for {CacheServiceEmulator.RequestUrl(context)}</Message></Error>").ConfigureAwait(false);
            return;
        }

        var cut = isGet && emulator.Faults.TakeCutDownload();
        using var forward = CreateForward(request);
        using var response = await azurite.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHopHeaders.Contains(header.Key))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted).ConfigureAwait(false);
        if (cut && response.Content.Headers.ContentLength is > 1 and var length)
        {
            emulator.Stats.Count(EmulatorStats.InjectedFault);
            var half = new byte[length / 2];
            await body.ReadExactlyAsync(half, context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.WriteAsync(half, context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            // The promised Content-Length is never reached: the client sees the body end early.
            context.Abort();
            return;
        }

        await body.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private HttpRequestMessage CreateForward(HttpRequest request)
    {
        var target = new Uri(emulator.AzuriteServiceRoot, request.Path.Value + request.QueryString.Value);
        var forward = new HttpRequestMessage(new HttpMethod(request.Method), target);
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (hasBody)
        {
            forward.Content = new StreamContent(request.Body);
        }

        foreach (var header in request.Headers)
        {
            if (HopByHopHeaders.Contains(header.Key))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray()) && forward.Content is not null)
            {
                forward.Content.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }

        return forward;
    }
}
