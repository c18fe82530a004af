namespace Atmos.Cache.GitHub.Tests;

/// <summary>
/// An HTTP handler in front of the backend's real one that reports when blob storage first accepted
/// a staged block, so a test can act at that moment instead of sleeping.
/// </summary>
internal sealed class BlockUploadHook : DelegatingHandler
{
    private readonly TaskCompletionSource _firstBlockAccepted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _accepted;

    public BlockUploadHook(Action? onFirstBlockAccepted = null)
        : base(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) =>
        OnFirstBlockAccepted = onFirstBlockAccepted;

    /// <summary>Runs once, when the first staged block was answered 201.</summary>
    public Action? OnFirstBlockAccepted { get; }

    /// <summary>Completes when the first staged block was answered 201.</summary>
    public Task FirstBlockAccepted => _firstBlockAccepted.Task;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var isBlock = request.RequestUri?.Query.Contains("comp=block&", StringComparison.Ordinal) == true;
        if (isBlock && response.StatusCode == System.Net.HttpStatusCode.Created && Interlocked.Increment(ref _accepted) == 1)
        {
            OnFirstBlockAccepted?.Invoke();
            _firstBlockAccepted.TrySetResult();
        }

        return response;
    }
}
