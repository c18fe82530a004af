using System.Text.Json.Nodes;
using Atmos.Cache.Emulator.Faults;

namespace Atmos.Cache.Emulator.Api;

/// <summary>
/// Fault switches over HTTP, for runs outside a test process:
/// <c>POST /_emulator/faults</c> with any of <c>twirp</c> (array of statuses), <c>retryAfterSeconds</c>,
/// <c>blockUploadFailures</c>, <c>putBlobFailures</c>, <c>cutDownloads</c>, <c>resetConnections</c>,
/// <c>down</c>, <c>denyWrites</c>, <c>clear</c>; <c>GET /_emulator/stats</c> for request counts.
/// </summary>
internal static class AdminApi
{
    public static async Task SetFaultsAsync(HttpContext context, CacheServiceEmulator emulator)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject ?? [];
        var faults = emulator.Faults;
        if (body["clear"]?.GetValue<bool>() == true)
        {
            faults.Clear();
        }

        var retryAfter = body["retryAfterSeconds"]?.GetValue<int>();
        if (body["twirp"] is JsonArray statuses)
        {
            faults.FailTwirp([.. statuses.Select(status => new FaultPlan.InjectedStatus(status!.GetValue<int>(), retryAfter))]);
        }

        faults.FailBlockUploads(body["blockUploadFailures"]?.GetValue<int>() ?? 0);
        faults.FailPutBlobs(body["putBlobFailures"]?.GetValue<int>() ?? 0);
        faults.CutDownloads(body["cutDownloads"]?.GetValue<int>() ?? 0);
        faults.ResetConnections(body["resetConnections"]?.GetValue<int>() ?? 0);
        if (body["down"] is JsonValue down)
        {
            faults.Down = down.GetValue<bool>();
        }

        if (body["denyWrites"] is JsonValue deny)
        {
            faults.DenyWrites = deny.GetValue<bool>();
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public static IResult Stats(CacheServiceEmulator emulator) => Results.Json(emulator.Stats.Snapshot());
}
