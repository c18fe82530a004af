using System.Globalization;
using System.Text.Json.Nodes;
using Atmos.Cache.Emulator.Cache;

namespace Atmos.Cache.Emulator.Api;

/// <summary>
/// The REST caches API: <c>GET</c> (filtered by key prefix and ref, sorted, paginated with a
/// <c>Link</c> header) and <c>DELETE ?key=</c> (404 when nothing had that key).
/// </summary>
internal sealed class RestApi(CacheServiceEmulator emulator)
{
    public const string Route = "/repos/{owner}/{repo}/actions/caches";

    public async Task HandleAsync(HttpContext context, string owner, string repo)
    {
        emulator.Stats.Count("rest." + context.Request.Method);
        if (await emulator.TryInjectAsync(context, emulator.Faults.TakeRest(), twirp: false).ConfigureAwait(false))
        {
            return;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization != "Bearer " + emulator.Options.RestToken && authorization != "token " + emulator.Options.RestToken)
        {
            await MessageAsync(context, 401, $"Bad credentials (got '{authorization}')").ConfigureAwait(false);
            return;
        }

        if (!string.Equals($"{owner}/{repo}", emulator.Options.Repository, StringComparison.OrdinalIgnoreCase))
        {
            await MessageAsync(context, 404, "Not Found").ConfigureAwait(false);
            return;
        }

        if (HttpMethods.IsGet(context.Request.Method))
        {
            await ListAsync(context).ConfigureAwait(false);
        }
        else if (HttpMethods.IsDelete(context.Request.Method))
        {
            await DeleteAsync(context).ConfigureAwait(false);
        }
        else
        {
            await MessageAsync(context, 405, "Method Not Allowed").ConfigureAwait(false);
        }
    }

    private async Task ListAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var prefix = query["key"].ToString();
        var gitRef = query["ref"].ToString();
        var perPage = Math.Clamp(Int(query["per_page"].ToString(), 30), 1, emulator.Options.MaxPageSize);
        var page = Math.Max(1, Int(query["page"].ToString(), 1));
        var ascending = query["direction"].ToString() == "asc";
        Func<CacheRecord, object> order = query["sort"].ToString() switch
        {
            "created_at" => record => record.CreatedAt,
            "size_in_bytes" => record => record.SizeBytes,
            _ => record => record.LastAccessedAt,
        };

        var matching = emulator.Store.Finalized()
            .Where(record => record.Key.StartsWith(prefix, StringComparison.Ordinal) && (gitRef.Length == 0 || record.Ref == gitRef));
        var sorted = (ascending ? matching.OrderBy(order) : matching.OrderByDescending(order)).ThenBy(record => record.Id).ToList();
        var lastPage = Math.Max(1, (sorted.Count + perPage - 1) / perPage);
        var items = sorted.Skip((page - 1) * perPage).Take(perPage).Select(ToJson).ToArray();

        var links = new List<string>();
        if (page < lastPage)
        {
            links.Add($"<{PageUrl(context, page + 1)}>; rel=\"next\"");
            links.Add($"<{PageUrl(context, lastPage)}>; rel=\"last\"");
        }

        if (page > 1)
        {
            links.Add($"<{PageUrl(context, 1)}>; rel=\"first\"");
            links.Add($"<{PageUrl(context, page - 1)}>; rel=\"prev\"");
        }

        if (links.Count > 0)
        {
            context.Response.Headers.Link = string.Join(", ", links);
        }

        await context.Response.WriteAsJsonAsync(new JsonObject { ["total_count"] = sorted.Count, ["actions_caches"] = new JsonArray(items) }).ConfigureAwait(false);
    }

    private async Task DeleteAsync(HttpContext context)
    {
        var key = context.Request.Query["key"].ToString();
        if (key.Length == 0)
        {
            await MessageAsync(context, 422, "key is required").ConfigureAwait(false);
            return;
        }

        var gitRef = context.Request.Query["ref"].ToString();
        var removed = emulator.Store.RemoveKey(key, gitRef.Length == 0 ? null : gitRef);
        if (removed.Count == 0)
        {
            await MessageAsync(context, 404, "Not Found").ConfigureAwait(false);
            return;
        }

        foreach (var record in removed)
        {
            await emulator.Azurite.DeleteBlobAsync(emulator.Options.Container, record.BlobName, context.RequestAborted).ConfigureAwait(false);
        }

        var deleted = removed.Where(record => record.Finalized).Select(ToJson).ToArray();
        await context.Response.WriteAsJsonAsync(new JsonObject { ["total_count"] = deleted.Length, ["actions_caches"] = new JsonArray(deleted) }).ConfigureAwait(false);
    }

    private static JsonNode ToJson(CacheRecord record) => new JsonObject
    {
        ["id"] = record.Id,
        ["ref"] = record.Ref,
        ["key"] = record.Key,
        ["version"] = record.Version,
        ["last_accessed_at"] = record.LastAccessedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
        ["created_at"] = record.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
        ["size_in_bytes"] = record.SizeBytes,
    };

    private static string PageUrl(HttpContext context, int page)
    {
        var query = context.Request.Query
            .Where(pair => pair.Key != "page")
            .Select(pair => $"{Uri.EscapeDataString(pair.Key)}={Uri.EscapeDataString(pair.Value.ToString())}")
            .Append($"page={page}");
        return $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{context.Request.Path}?{string.Join("&", query)}";
    }

    private static int Int(string text, int fallback) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static Task MessageAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new JsonObject { ["message"] = message, ["documentation_url"] = "https://docs.github.com/rest/actions/cache" });
    }
}
