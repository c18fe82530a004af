namespace Atmos.Cache.Diagnostics;

/// <summary>How loud a message is; maps onto MSBuild importance (High, Normal, Low) and warnings.</summary>
public enum CacheLogLevel
{
    /// <summary>Low importance: details for diagnosing.</summary>
    Detail,
    /// <summary>Normal importance: progress of long transfers.</summary>
    Info,
    /// <summary>High importance: the one summary line per operation.</summary>
    Summary,
    /// <summary>Something went wrong but the build goes on.</summary>
    Warning,
}

/// <summary>Where the engine reports what it does. Implementations must be thread-safe.</summary>
public interface ICacheLogger
{
    void Log(CacheLogLevel level, string message);
}

/// <summary>A logger that drops everything.</summary>
public sealed class NullCacheLogger : ICacheLogger
{
    public static readonly NullCacheLogger Instance = new();
    public void Log(CacheLogLevel level, string message) { }
}
