// Lists a folder tree, one line per entry, sorted: path, type (d, f, l), permission bits (octal; "-"
// on Windows), modification time (UTC, whole seconds, as tar keeps it; "-" for links), size (files)
// and link target. The same on Linux, macOS and Windows, which no POSIX tool gives (find -printf
// and stat -c are GNU's). Run: dotnet run eng/list-tree.cs -- <folder> [<top-level name to skip>...]
using System.Globalization;

if (args.Length == 0 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: dotnet run eng/list-tree.cs -- <folder> [<top-level name to skip>...]");
    return 2;
}

var root = args[0];
var skip = args.Skip(1).ToHashSet(StringComparer.Ordinal);
var lines = new List<string>();
Walk(root, "");
lines.Sort(StringComparer.Ordinal);
foreach (var line in lines)
{
    Console.WriteLine(line);
}

return 0;

void Walk(string folder, string relative)
{
    foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
    {
        var path = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
        if (relative.Length == 0 && skip.Contains(entry.Name))
        {
            continue;
        }

        var mode = OperatingSystem.IsWindows() ? "-" : Convert.ToString((int)entry.UnixFileMode, 8);
        var seconds = new DateTimeOffset(entry.LastWriteTimeUtc).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        if (entry.LinkTarget is { } target)
        {
            lines.Add($"{path} l - - - {target}");
        }
        else if (entry is DirectoryInfo)
        {
            lines.Add($"{path} d {mode} {seconds} - -");
            Walk(entry.FullName, path);
        }
        else
        {
            lines.Add($"{path} f {mode} {seconds} {((FileInfo)entry).Length.ToString(CultureInfo.InvariantCulture)} -");
        }
    }
}
