namespace Atmos.Cache.Backends.GitHub.Twirp;

/// <summary>CreateCacheEntry's answer: ok=false means the key+version exists or is being written.</summary>
internal sealed record CreateCacheEntryResult(bool Ok, string? SignedUploadUrl);

/// <summary>FinalizeCacheEntryUpload's answer.</summary>
internal sealed record FinalizeCacheEntryResult(bool Ok, string? EntryId);

/// <summary>GetCacheEntryDownloadURL's answer: ok=false means nothing matched.</summary>
internal sealed record CacheEntryDownloadResult(bool Ok, string? SignedDownloadUrl, string? MatchedKey);

/// <summary>A Twirp error body: <c>{"code": "...", "msg": "..."}</c>.</summary>
internal sealed record TwirpError(string Code, string Message)
{
    public const string AlreadyExists = "already_exists";
}
