using System.Collections.Concurrent;

namespace Atmos.Cache.Testing;

/// <summary>Stands in for Task.Delay in the retry policy: records each backoff and returns at once.</summary>
public sealed class DelayRecorder
{
    private readonly ConcurrentQueue<TimeSpan> _delays = new();

    public IReadOnlyList<TimeSpan> Delays => [.. _delays];

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _delays.Enqueue(delay);
        return Task.CompletedTask;
    }
}
