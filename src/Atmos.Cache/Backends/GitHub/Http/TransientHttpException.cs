namespace Atmos.Cache.Backends.GitHub.Http;

/// <summary>
/// A failure worth retrying (HTTP 429 or 5xx, or a response cut short). Its message is already
/// redacted; <see cref="RetryAfter"/> is what the server asked us to wait, if it said.
/// </summary>
internal sealed class TransientHttpException(string message, TimeSpan? retryAfter = null) : Exception(message)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
