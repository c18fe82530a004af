namespace Atmos.Cache.Backends.GitHub;

/// <summary>
/// The retry policy shared by Twirp, blob and REST calls (and the s3 backend's): exponential backoff with jitter for
/// 429, 5xx, connection failures and timeouts, honouring Retry-After, bounded in attempts and time.
/// </summary>
public sealed record RetrySettings
{
    /// <summary>Attempts per request, the first included.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The first backoff; each later one doubles, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>No retry starts once waiting for it would take one request past this much time.</summary>
    public TimeSpan MaxTotalTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Timeout of one attempt of a service call (Twirp, REST, blob HEAD and block list).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Timeout of one attempt of a piece of content (a block, a range, a small blob).</summary>
    public TimeSpan TransferTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How a backoff is waited for; tests replace it to record the delays and not sleep.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = Task.Delay;

    internal void Validate()
    {
        if (MaxAttempts < 1 || BaseDelay < TimeSpan.Zero || MaxDelay < TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero || TransferTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Retry attempts must be at least 1 and delays and timeouts positive.");
        }
    }
}
