namespace Atmos.Cache.Root;

/// <summary>
/// Decides whether a symbolic link stays inside the root, following the other links it passes
/// through (a link to "y/.." where y is a link to "." would escape, though it looks harmless).
/// Works on root-relative forward-slash paths; the caller says which paths are links.
/// </summary>
internal static class SymlinkContainment
{
    private const int MaxHops = 40;

    /// <param name="linkPath">Root-relative path of the link.</param>
    /// <param name="target">The link's target, relative to the link's folder.</param>
    /// <param name="linkTargetOf">The target of the link at a root-relative path, or null when that path is no link.</param>
    public static bool StaysInside(string linkPath, string target, Func<string, string?> linkTargetOf)
    {
        if (IsAbsolute(target))
        {
            return false;
        }

        var resolved = new List<string>(linkPath.Split('/'));
        resolved.RemoveAt(resolved.Count - 1);
        var pending = new Stack<string>();
        PushSegments(pending, target);
        var hops = 0;

        while (pending.Count > 0)
        {
            var segment = pending.Pop();
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (resolved.Count == 0)
                {
                    return false;
                }

                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }

            resolved.Add(segment);
            var next = linkTargetOf(string.Join('/', resolved));
            if (next is null)
            {
                continue;
            }

            // Loops and absolute targets count as leaving the root.
            if (++hops > MaxHops || IsAbsolute(next))
            {
                return false;
            }

            resolved.RemoveAt(resolved.Count - 1);
            PushSegments(pending, next);
        }

        return true;
    }

    public static bool IsAbsolute(string target) =>
        target.StartsWith('/') || (target.Length >= 2 && target[1] == ':' && char.IsAsciiLetter(target[0]));

    private static void PushSegments(Stack<string> pending, string path)
    {
        var segments = path.Split('/');
        for (var i = segments.Length - 1; i >= 0; i--)
        {
            pending.Push(segments[i]);
        }
    }
}
