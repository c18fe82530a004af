using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Atmos.Cache.Emulator.Faults;
using Atmos.Cache.Emulator.Storage;

namespace Atmos.Cache.Emulator.Api;

/// <summary>
/// The cache service v2 over Twirp JSON: CreateCacheEntry, FinalizeCacheEntryUpload and
/// GetCacheEntryDownloadURL, authenticated with the runtime token.
/// </summary>
internal sealed class TwirpApi(CacheServiceEmulator emulator)
{
    /// <summary>The refusal GitHub gives writers it does not trust (the prefix is what clients look for).</summary>
    public const string WriteDenied = "cache write denied: this job's token may not write to the cache (emulated)";

    public const string Route = "/twirp/github.actions.results.api.v1.CacheService/{method}";

    public async Task HandleAsync(HttpContext context, string method)
    {
        emulator.Stats.Count(EmulatorStats.Twirp(method));
        if (await emulator.TryInjectAsync(context, emulator.Faults.TakeTwirp(), twirp: true).ConfigureAwait(false))
        {
            return;
        }

        if (context.Request.Headers.Authorization.ToString() != "Bearer " + emulator.Options.RuntimeToken)
        {
            await ErrorAsync(context, 401, "unauthenticated", $"invalid or missing runtime token (got '{context.Request.Headers.Authorization}')").ConfigureAwait(false);
            return;
        }

        JsonObject request;
        try
        {
            request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject
                ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            await ErrorAsync(context, 400, "malformed", "the request body is not a JSON object").ConfigureAwait(false);
            return;
        }

        if ((emulator.Faults.DenyWrites && method is "CreateCacheEntry" or "FinalizeCacheEntryUpload")
            || (emulator.Faults.DenyFinalize && method == "FinalizeCacheEntryUpload"))
        {
            await ErrorAsync(context, 403, "permission_denied", WriteDenied).ConfigureAwait(false);
            return;
        }

        switch (method)
        {
            case "CreateCacheEntry":
                await CreateAsync(context, request).ConfigureAwait(false);
                break;
            case "FinalizeCacheEntryUpload":
                await FinalizeAsync(context, request).ConfigureAwait(false);
                break;
            case "GetCacheEntryDownloadURL":
                await DownloadUrlAsync(context, request).ConfigureAwait(false);
                break;
            default:
                await ErrorAsync(context, 404, "bad_route", $"no method {method}").ConfigureAwait(false);
                break;
        }
    }

    private async Task CreateAsync(HttpContext context, JsonObject request)
    {
        var key = Text(request, "key");
        var version = Text(request, "version");
        if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(version))
        {
            await ErrorAsync(context, 400, "invalid_argument", "key and version are required").ConfigureAwait(false);
            return;
        }

        var record = emulator.Store.Reserve(key, version, emulator.Options.Ref);
        if (record is null)
        {
            if (emulator.Options.ConflictAsTwirpError)
            {
                await ErrorAsync(context, 409, "already_exists", "cache entry with the same key, version, and scope already exists").ConfigureAwait(false);
            }
            else
            {
                await context.Response.WriteAsJsonAsync(new JsonObject { ["ok"] = false }).ConfigureAwait(false);
            }

            return;
        }

        var url = emulator.SignedUrl(record.BlobName, "cw");
        await context.Response.WriteAsJsonAsync(new JsonObject { ["ok"] = true, ["signed_upload_url"] = url }).ConfigureAwait(false);
    }

    private async Task FinalizeAsync(HttpContext context, JsonObject request)
    {
        var key = Text(request, "key");
        var version = Text(request, "version");
        if (!long.TryParse(Text(request, "size_bytes"), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            await ErrorAsync(context, 400, "invalid_argument", "size_bytes is required").ConfigureAwait(false);
            return;
        }

        var record = key is null || version is null ? null : emulator.Store.FindReservation(key, version);
        if (record is null)
        {
            await ErrorAsync(context, 404, "not_found", "no reserved cache entry for this key and version").ConfigureAwait(false);
            return;
        }

        // The real service checks the committed blob; so does the emulator.
        var stored = await emulator.Azurite.GetBlobSizeAsync(emulator.Options.Container, record.BlobName, context.RequestAborted).ConfigureAwait(false);
        if (stored != size)
        {
            await ErrorAsync(context, 412, "failed_precondition", $"uploaded blob has {stored?.ToString(CultureInfo.InvariantCulture) ?? "no"} bytes, not {size}").ConfigureAwait(false);
            return;
        }

        emulator.Store.Finalize(record, size);
        await context.Response.WriteAsJsonAsync(new JsonObject { ["ok"] = true, ["entry_id"] = record.Id.ToString(CultureInfo.InvariantCulture) }).ConfigureAwait(false);
    }

    private async Task DownloadUrlAsync(HttpContext context, JsonObject request)
    {
        var key = Text(request, "key") ?? "";
        var version = Text(request, "version") ?? "";
        var restoreKeys = (Field(request, "restore_keys") as JsonArray)?.Select(node => node?.GetValue<string>() ?? "").ToList() ?? [];
        var match = emulator.Store.Match(key, restoreKeys, version);
        if (match is null)
        {
            await context.Response.WriteAsJsonAsync(new JsonObject { ["ok"] = false }).ConfigureAwait(false);
            return;
        }

        var url = emulator.SignedUrl(match.BlobName, "r");
        await context.Response.WriteAsJsonAsync(new JsonObject { ["ok"] = true, ["signed_download_url"] = url, ["matched_key"] = match.Key }).ConfigureAwait(false);
    }

    internal static Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new JsonObject { ["code"] = code, ["msg"] = message });
    }

    /// <summary>A field by proto name or lowerCamelCase JSON name, as protobuf JSON parsers accept.</summary>
    private static JsonNode? Field(JsonObject message, string protoName)
    {
        if (message.TryGetPropertyValue(protoName, out var value))
        {
            return value;
        }

        var parts = protoName.Split('_');
        var camel = parts[0] + string.Concat(parts.Skip(1).Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
        return message.TryGetPropertyValue(camel, out value) ? value : null;
    }

    private static string? Text(JsonObject message, string protoName) => Field(message, protoName) switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonValue value when value.TryGetValue<long>(out var number) => number.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };
}
