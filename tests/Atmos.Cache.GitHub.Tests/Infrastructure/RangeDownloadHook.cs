using System.Globalization;
using System.Net;

namespace Atmos.Cache.GitHub.Tests;

/// <summary>
/// An HTTP handler in front of the backend's real one that steers ranged blob GETs by their start
/// offset: holds back ranges from an offset on until released (reporting when one is held and when a
/// held one was cancelled), and answers chosen ranges with 500, once or for good.
/// </summary>
internal sealed class RangeDownloadHook : DelegatingHandler
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _heldCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _failOnce;
    private int _injected;

    public RangeDownloadHook()
        : base(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
    {
    }

    /// <summary>Ranges starting at or after this wait for <see cref="Release"/>.</summary>
    public long HoldFrom { get; init; } = long.MaxValue;

    /// <summary>Ranges starting at or after this are answered 500, every time.</summary>
    public long FailFrom { get; init; } = long.MaxValue;

    /// <summary>The range starting here is answered 500 once.</summary>
    public long FailOnceAt { get; init; } = -1;

    /// <summary>Ranges before <see cref="HoldFrom"/> wait until one range was held back.</summary>
    public bool LeadWaitsForHold { get; init; }

    /// <summary>Runs once, when the first range is held back.</summary>
    public Action? OnFirstHeld { get; init; }

    /// <summary>Completes when a range was first held back.</summary>
    public Task FirstHeld => _held.Task;

    /// <summary>Completes when a held-back range was cancelled by the client (the download stopped).</summary>
    public Task HeldRangeCancelled => _heldCancelled.Task;

    /// <summary>How many 500s were answered.</summary>
    public int Injected => Volatile.Read(ref _injected);

    /// <summary>Lets held ranges (and later ones) through.</summary>
    public void Release() => _release.TrySetResult();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (RangeStart(request) is not { } start)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (start >= FailFrom || (start == FailOnceAt && Interlocked.Exchange(ref _failOnce, 1) == 0))
        {
            Interlocked.Increment(ref _injected);
            return new HttpResponseMessage(HttpStatusCode.InternalServerError) { RequestMessage = request, Content = new StringContent("injected by the test") };
        }

        if (start < HoldFrom && LeadWaitsForHold)
        {
            await _held.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (start >= HoldFrom && !_release.Task.IsCompleted)
        {
            if (_held.TrySetResult())
            {
                OnFirstHeld?.Invoke();
            }

            try
            {
                await _release.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _heldCancelled.TrySetResult();
                throw;
            }
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static long? RangeStart(HttpRequestMessage request)
    {
        if (request.Method != HttpMethod.Get || !request.Headers.TryGetValues("x-ms-range", out var values))
        {
            return null;
        }

        var value = values.First(); // bytes=<start>-<end>
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        return long.Parse(value.AsSpan("bytes=".Length, dash - "bytes=".Length), CultureInfo.InvariantCulture);
    }
}
