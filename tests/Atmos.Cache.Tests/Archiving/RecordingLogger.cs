using System.Collections.Concurrent;
using Atmos.Cache.Diagnostics;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>Keeps every message, for assertions on what was logged.</summary>
internal sealed class RecordingLogger : ICacheLogger
{
    public ConcurrentQueue<(CacheLogLevel Level, string Message)> Messages { get; } = new();

    public Action<CacheLogLevel, string>? OnLog { get; init; }

    public void Log(CacheLogLevel level, string message)
    {
        Messages.Enqueue((level, message));
        OnLog?.Invoke(level, message);
    }

    public bool Has(CacheLogLevel level, string fragment) =>
        Messages.Any(m => m.Level == level && m.Message.Contains(fragment, StringComparison.Ordinal));
}
