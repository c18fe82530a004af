namespace Atmos.Cache.GitHub.Tests;

/// <summary>
/// Reports when an extraction staged a given top-level file (with its full length) in a staging
/// folder under the root's scratch folder, which must exist before. Event driven: one watcher learns
/// the staging folder, a second watches it and checks once right after it started, so a file staged
/// before the second watcher existed is not missed.
/// </summary>
internal sealed class StagedFileWatcher : IDisposable
{
    private readonly TaskCompletionSource _staged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly FileSystemWatcher _scratch;
    private readonly List<FileSystemWatcher> _staging = [];
    private readonly string _fileName;
    private readonly long _length;

    public StagedFileWatcher(string scratchFolder, string fileName, long length)
    {
        _fileName = fileName;
        _length = length;
        _scratch = new FileSystemWatcher(scratchFolder) { NotifyFilter = NotifyFilters.DirectoryName };
        _scratch.Created += (_, e) =>
        {
            if (e.Name?.StartsWith("extract-", StringComparison.Ordinal) == true)
            {
                WatchStaging(e.FullPath);
            }
        };
        _scratch.EnableRaisingEvents = true;
    }

    /// <summary>Completes once the file is staged with its full length.</summary>
    public Task Staged => _staged.Task;

    private void WatchStaging(string folder)
    {
        var watcher = new FileSystemWatcher(folder)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size | NotifyFilters.LastWrite,
        };
        watcher.Created += (_, _) => Check(folder);
        watcher.Changed += (_, _) => Check(folder);
        lock (_staging)
        {
            _staging.Add(watcher);
        }

        watcher.EnableRaisingEvents = true;
        Check(folder);
    }

    private void Check(string folder)
    {
        var file = new FileInfo(Path.Combine(folder, _fileName));
        if (file.Exists && file.Length == _length)
        {
            _staged.TrySetResult();
        }
    }

    public void Dispose()
    {
        _scratch.Dispose();
        lock (_staging)
        {
            _staging.ForEach(static w => w.Dispose());
        }
    }
}
