using System.Collections.Concurrent;
using Atmos.Cache.Diagnostics;

namespace Atmos.Cache.Tests.Support;

/// <summary>Keeps every message, and lets a test await one that matches.</summary>
public sealed class RecordingLogger : ICacheLogger
{
    private readonly ConcurrentQueue<(CacheLogLevel Level, string Message)> _messages = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Done)> _waiters = [];

    public IReadOnlyList<(CacheLogLevel Level, string Message)> Messages => [.. _messages];

    /// <summary>Called for every message, on the logging thread.</summary>
    public Action<CacheLogLevel, string>? OnLog { get; init; }

    public bool Has(CacheLogLevel level, string fragment) =>
        _messages.Any(m => m.Level == level && m.Message.Contains(fragment, StringComparison.Ordinal));

    public void Log(CacheLogLevel level, string message)
    {
        _messages.Enqueue((level, message));
        OnLog?.Invoke(level, message);
        lock (_waiters)
        {
            foreach (var waiter in _waiters.Where(w => w.Match(message)).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Completes when a message matching <paramref name="match"/> has been logged.</summary>
    public Task WaitForAsync(Func<string, bool> match, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (_messages.Any(m => match(m.Message)))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((match, done));
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }
}
