using System.Collections.Concurrent;
using Atmos.Cache.Diagnostics;

namespace Atmos.Cache.Testing;

/// <summary>Keeps every log line, for assertions on progress, warnings and redaction; can be awaited for a line.</summary>
public sealed class CapturingLogger : ICacheLogger
{
    private readonly ConcurrentQueue<(CacheLogLevel Level, string Message)> _lines = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Done)> _waiters = [];

    /// <summary>Called after each line is kept (e.g. to cancel an operation mid-way).</summary>
    public Action<CacheLogLevel, string>? OnLog { get; init; }

    public IReadOnlyList<(CacheLogLevel Level, string Message)> Lines => [.. _lines];

    public string AllText => string.Join("\n", _lines.Select(line => line.Message));

    public void Log(CacheLogLevel level, string message)
    {
        _lines.Enqueue((level, message));
        lock (_waiters)
        {
            foreach (var waiter in _waiters.Where(w => w.Match(message)).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        OnLog?.Invoke(level, message);
    }

    public bool Has(CacheLogLevel level, string fragment) =>
        _lines.Any(line => line.Level == level && line.Message.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Completes when a line matching <paramref name="match"/> has been logged (fails after 30 s).</summary>
    public Task WaitForAsync(Func<string, bool> match, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (_lines.Any(line => match(line.Message)))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((match, done));
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }
}
