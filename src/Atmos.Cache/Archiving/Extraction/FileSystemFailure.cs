using Atmos.Cache.Errors;

namespace Atmos.Cache.Archiving.Extraction;

/// <summary>
/// A failed file-system call during a restore as one line: what was being done, to which entry,
/// at which path, and why (.NET's own messages sometimes leave the path out, sometimes paste it whole).
/// </summary>
internal static class FileSystemFailure
{
    public static CacheArchiveException Refusal(string action, string entryName, string path, Exception error) =>
        new($"The cache archive was not restored, and the root was left as it was: {action} '{EntryNames.Display(entryName)}' failed at '{EntryNames.Display(path)}': {Reason(error, path)}.", error)
        {
            OnThisMachine = true,
        };

    private static string Reason(Exception error, string path) => error switch
    {
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "the path is too long for the file system",
        DirectoryNotFoundException => "a folder on the way is missing",
        _ => error.Message.Replace($" : '{path}'", "", StringComparison.Ordinal).Replace($"'{path}'", "it", StringComparison.Ordinal).TrimEnd('.', ' '),
    };
}
