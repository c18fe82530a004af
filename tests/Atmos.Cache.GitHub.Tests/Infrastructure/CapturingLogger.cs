using System.Collections.Concurrent;
using Atmos.Cache.Diagnostics;

namespace Atmos.Cache.GitHub.Tests.Infrastructure;

/// <summary>Keeps every log line, for assertions on progress and on redaction.</summary>
internal sealed class CapturingLogger : ICacheLogger
{
    private readonly ConcurrentQueue<(CacheLogLevel Level, string Message)> _lines = new();

    public void Log(CacheLogLevel level, string message) => _lines.Enqueue((level, message));

    public IReadOnlyList<(CacheLogLevel Level, string Message)> Lines => [.. _lines];

    public string AllText => string.Join("\n", _lines.Select(line => line.Message));
}
