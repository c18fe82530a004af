using System.Diagnostics;
using System.Net.Sockets;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.GitHub.Http;

/// <summary>
/// Runs one request (or one piece of a transfer) with retries: exponential backoff with jitter for
/// transient HTTP statuses, connection failures and per-attempt timeouts, honouring Retry-After,
/// within a bounded number of attempts and total time. The caller's cancellation always wins.
/// Failures end as <see cref="CacheBackendException"/> with redacted text and no raw inner exception.
/// </summary>
internal sealed class RetryPolicy(RetrySettings settings, SecretRedactor redactor, ICacheLogger logger)
{
    public RetrySettings Settings { get; } = settings;

    /// <summary>Runs <paramref name="attempt"/> until it succeeds, fails for good, or the budget is spent.</summary>
    public async Task<T> ExecuteAsync<T>(string what, TimeSpan attemptTimeout, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        for (var number = 1; ; number++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string failure;
            TimeSpan? retryAfter = null;
            using (var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attemptCancellation.CancelAfter(attemptTimeout);
                try
                {
                    return await attempt(attemptCancellation.Token).ConfigureAwait(false);
                }
                catch (TransientHttpException e)
                {
                    failure = e.Message;
                    retryAfter = e.RetryAfter;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = $"no answer within {attemptTimeout.TotalSeconds:0.#} s";
                }
                catch (HttpRequestException e) when (IsTransient(e))
                {
                    failure = Describe(e);
                }
                catch (IOException e)
                {
                    failure = Describe(e);
                }
            }

            if (number >= Settings.MaxAttempts)
            {
                throw new CacheBackendException(redactor.Redact($"{what} failed after {number} attempts: {failure}"));
            }

            var delay = Backoff(number);
            if (retryAfter is { } asked && asked > delay)
            {
                delay = asked;
            }

            if (clock.Elapsed + delay > Settings.MaxTotalTime)
            {
                throw new CacheBackendException(redactor.Redact(
                    $"{what} failed: {failure}; gave up after {number} attempts because waiting {delay.TotalSeconds:0.#} s more would exceed the {Settings.MaxTotalTime.TotalSeconds:0} s retry budget"));
            }

            logger.Log(CacheLogLevel.Detail, redactor.Redact($"{what} failed ({failure}); retry {number} of {Settings.MaxAttempts - 1} in {delay.TotalSeconds:0.##} s"));
            await Settings.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Base delay doubled per attempt, capped, with "equal jitter": between half and all of it.</summary>
    private TimeSpan Backoff(int failedAttempts)
    {
        var exponential = Settings.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        var capped = Math.Min(exponential, Settings.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + (Random.Shared.NextDouble() * capped / 2));
    }

    // A TLS failure will not heal on its own; everything else (refused, reset, DNS blip) may.
    private static bool IsTransient(HttpRequestException e) => e.HttpRequestError != HttpRequestError.SecureConnectionError;

    /// <summary>Exception text without the inner chain's raw messages beyond the socket error.</summary>
    private static string Describe(Exception e)
    {
        var socket = FindInner<SocketException>(e);
        var reason = socket is not null ? $"{socket.SocketErrorCode}" : e.GetType().Name;
        return $"{reason}: {e.Message}";
    }

    private static TInner? FindInner<TInner>(Exception e) where TInner : Exception
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is TInner match)
            {
                return match;
            }
        }

        return null;
    }
}
