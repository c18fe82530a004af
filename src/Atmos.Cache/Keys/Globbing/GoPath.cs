using System.Text;

namespace Atmos.Cache.Keys.Globbing;

/// <summary>
/// The lexical path operations of Go's <c>path/filepath</c> (Clean, Join, Split, Base, IsAbs) for this
/// operating system. hashFiles must build the same path strings as Atmos because it sorts by them.
/// </summary>
internal static class GoPath
{
    internal static char Separator => Path.DirectorySeparatorChar;

    private static bool IsWindows => OperatingSystem.IsWindows();

    internal static bool IsSeparator(char c) => c == '/' || (IsWindows && c == '\\');

    internal static bool IsAbs(string path) =>
        IsWindows ? Path.IsPathFullyQualified(path) : path.StartsWith('/');

    /// <summary>Go's filepath.Join: the non-empty elements joined by the separator, then cleaned.</summary>
    internal static string Join(string first, string second)
    {
        if (first.Length == 0)
        {
            return second.Length == 0 ? string.Empty : Clean(second);
        }

        return second.Length == 0 ? Clean(first) : Clean(first + Separator + second);
    }

    /// <summary>Go's filepath.Split: everything up to and including the last separator, and the rest.</summary>
    internal static (string Dir, string File) Split(string path)
    {
        var volume = VolumeNameLength(path);
        var i = path.Length - 1;
        while (i >= volume && !IsSeparator(path[i]))
        {
            i--;
        }

        return (path[..(i + 1)], path[(i + 1)..]);
    }

    /// <summary>Go's filepath.Base: the last element, ignoring trailing separators.</summary>
    internal static string Base(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }

        while (path.Length > 0 && IsSeparator(path[^1]))
        {
            path = path[..^1];
        }

        path = path[VolumeNameLength(path)..];
        var i = path.Length - 1;
        while (i >= 0 && !IsSeparator(path[i]))
        {
            i--;
        }

        path = path[(i + 1)..];
        return path.Length == 0 ? Separator.ToString() : path;
    }

    /// <summary>Go's filepath.Clean: the shortest lexically equivalent path.</summary>
    internal static string Clean(string path)
    {
        var volumeLength = VolumeNameLength(path);
        var volume = path[..volumeLength];
        var rest = path[volumeLength..];
        if (rest.Length == 0)
        {
            // A UNC volume alone stays as it is; "C:" becomes "C:.".
            return volume.Length > 1 && volume[1] != ':' ? FromSlash(volume) : volume + ".";
        }

        var rooted = IsSeparator(rest[0]);
        var output = new StringBuilder(rest.Length);
        var read = 0;
        var dotdot = 0;
        if (rooted)
        {
            output.Append(Separator);
            read = 1;
            dotdot = 1;
        }

        while (read < rest.Length)
        {
            if (IsSeparator(rest[read]))
            {
                read++;
            }
            else if (rest[read] == '.' && (read + 1 == rest.Length || IsSeparator(rest[read + 1])))
            {
                read++;
            }
            else if (rest[read] == '.' && read + 1 < rest.Length && rest[read + 1] == '.'
                     && (read + 2 == rest.Length || IsSeparator(rest[read + 2])))
            {
                read += 2;
                if (output.Length > dotdot)
                {
                    var w = output.Length - 1;
                    while (w > dotdot && !IsSeparator(output[w]))
                    {
                        w--;
                    }

                    output.Length = w;
                }
                else if (!rooted)
                {
                    if (output.Length > 0)
                    {
                        output.Append(Separator);
                    }

                    output.Append("..");
                    dotdot = output.Length;
                }
            }
            else
            {
                if ((rooted && output.Length != 1) || (!rooted && output.Length != 0))
                {
                    output.Append(Separator);
                }

                while (read < rest.Length && !IsSeparator(rest[read]))
                {
                    output.Append(rest[read]);
                    read++;
                }
            }
        }

        if (output.Length == 0)
        {
            output.Append('.');
        }

        return volume + FromSlash(output.ToString());
    }

    /// <summary>The length of a leading Windows volume name (<c>C:</c> or <c>\\server\share</c>); 0 elsewhere.</summary>
    internal static int VolumeNameLength(string path)
    {
        if (!IsWindows || path.Length < 2)
        {
            return 0;
        }

        if (path[1] == ':' && char.IsAsciiLetter(path[0]))
        {
            return 2;
        }

        if (path.Length >= 5 && IsSeparator(path[0]) && IsSeparator(path[1]) && !IsSeparator(path[2]) && path[2] != '.')
        {
            // \\server\share: the volume ends before the separator that follows the share name.
            var n = 3;
            while (n < path.Length && !IsSeparator(path[n]))
            {
                n++;
            }

            n++;
            if (n < path.Length && !IsSeparator(path[n]))
            {
                while (n < path.Length && !IsSeparator(path[n]))
                {
                    n++;
                }

                return n;
            }
        }

        return 0;
    }

    private static string FromSlash(string path) => IsWindows ? path.Replace('/', '\\') : path;
}
