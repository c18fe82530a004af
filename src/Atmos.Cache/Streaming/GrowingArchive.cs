namespace Atmos.Cache.Streaming;

/// <summary>
/// An archive file that is still being written. The writer publishes how many leading bytes are
/// already in the file (flushed, so a reader opening the path sees them) and, at the end, the final
/// length or the failure; a reader waits for the byte ranges it needs.
/// </summary>
public sealed class GrowingArchive
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource<long> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _available;

    public GrowingArchive(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
    }

    /// <summary>The file being written; open it for reading with <see cref="FileShare.ReadWrite"/>.</summary>
    public string Path { get; }

    /// <summary>
    /// The archive's last bytes when the writer fetched them ahead of the rest (a download asks for
    /// the tail first, so the trailer can be read before the data arrives), else empty.
    /// </summary>
    public ReadOnlyMemory<byte> Tail { get; private set; }

    /// <summary>Writer side, before any reader starts: the archive's last bytes, fetched ahead.</summary>
    public void PublishTail(byte[] tail)
    {
        ArgumentNullException.ThrowIfNull(tail);
        Tail = tail;
    }

    /// <summary>The final length once writing succeeded; faulted or cancelled when writing failed.</summary>
    public Task<long> Completion => _completion.Task;

    /// <summary>How many leading bytes are in the file now.</summary>
    public long Available
    {
        get
        {
            lock (_gate)
            {
                return _available;
            }
        }
    }

    /// <summary>
    /// Completes with the available length once at least <paramref name="minimumLength"/> bytes are in
    /// the file, or with the final length (possibly smaller) once writing is complete. Throws the
    /// writing failure when writing failed.
    /// </summary>
    public async Task<long> WaitForAvailableAsync(long minimumLength, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_completion.Task.IsCompleted)
                {
                    break;
                }

                if (_available >= minimumLength)
                {
                    return _available;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return await _completion.Task.ConfigureAwait(false);
    }

    /// <summary>Writer side: the first <paramref name="length"/> bytes are flushed to the file.</summary>
    public void ReportAvailable(long length)
    {
        lock (_gate)
        {
            if (_completion.Task.IsCompleted || length <= _available)
            {
                return;
            }

            _available = length;
        }

        Signal();
    }

    /// <summary>Writer side: the archive is complete and flushed, <paramref name="length"/> bytes long.</summary>
    public void Complete(long length)
    {
        lock (_gate)
        {
            if (length < _available)
            {
                throw new ArgumentOutOfRangeException(nameof(length), length, "The final length is below what was already published.");
            }

            _available = length;
            _completion.TrySetResult(length);
        }

        Signal();
    }

    /// <summary>Writer side: writing failed; readers get <paramref name="error"/> (or a cancellation).</summary>
    public void Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        lock (_gate)
        {
            if (error is OperationCanceledException canceled)
            {
                _completion.TrySetCanceled(canceled.CancellationToken);
            }
            else
            {
                _completion.TrySetException(error);
            }
        }

        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }
}
