using System.Diagnostics;
using System.Globalization;

namespace Atmos.Cache.Platform;

/// <summary>
/// Retries a file-system call that another process blocks by holding the file open (on Windows a
/// virus scanner or the search indexer does, for a moment, to a file just written), waiting longer
/// each time (<see cref="FilePlatform.SharingRetryDelays"/>). Any other failure, and the last one,
/// goes to the caller.
/// </summary>
internal static class SharingRetry
{
    public static void Run(FilePlatform platform, string path, Action call, CancellationToken cancellationToken = default) =>
        Run(platform, path, () =>
        {
            call();
            return true;
        }, cancellationToken);

    public static T Run<T>(FilePlatform platform, string path, Func<T> call, CancellationToken cancellationToken = default)
    {
        var delays = platform.SharingRetryDelays;
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return call();
            }
            catch (Exception e) when (WindowsErrors.IsSharingViolation(e))
            {
                if (attempt >= delays.Count)
                {
                    var waited = Stopwatch.GetElapsedTime(started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
                    throw new IOException(
                        $"another process holds '{path}' open (a virus scanner or the search indexer?); gave up after {attempt + 1} tries over {waited} s",
                        e.HResult);
                }

                if (cancellationToken.WaitHandle.WaitOne(delays[attempt]))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }
    }
}
