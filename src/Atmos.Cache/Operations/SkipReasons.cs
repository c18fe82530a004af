namespace Atmos.Cache.Operations;

/// <summary>The reasons a save reports when it uploads nothing.</summary>
public static class SkipReasons
{
    public const string AlreadySaved = "already saved this lifecycle";
    public const string ExactHit = "exact cache hit; content unchanged";
    public const string AlreadyExists = "already exists remotely";
    public const string NoRoot = "the cache root does not exist";
    public const string EmptyRoot = "the cache root is empty: nothing to save";
    public const string AlreadyRestored = "already restored in this lifecycle";
    public const string WriteDenied = "the cache service denies this job's writes, so saving ends here";
}
