namespace Atmos.Cache.Archiving.Extraction;

/// <summary>
/// Names that are hazards on Windows only: a drive letter, a colon (alternate data streams), a reserved
/// device name (<c>CON</c>, <c>NUL</c>, <c>COM1</c>... with any extension), characters Windows refuses, and
/// a trailing dot or space (Windows drops it, so two entries could land on one file).
/// </summary>
internal static class WindowsNames
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM\u00B9", "COM\u00B2", "COM\u00B3",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT\u00B9", "LPT\u00B2", "LPT\u00B3",
    };

    /// <summary>Why <paramref name="segment"/> cannot be written on Windows, or null when it can.</summary>
    internal static string? Hazard(string segment, bool isFirst)
    {
        if (isFirst && segment.Length >= 2 && segment[1] == ':' && char.IsAsciiLetter(segment[0]))
        {
            return "starts with a drive letter";
        }

        if (segment.Contains(':'))
        {
            return "contains ':' (an alternate data stream on Windows)";
        }

        if (segment.AsSpan().IndexOfAny("<>\"|?*") >= 0 || segment.Any(c => c < ' '))
        {
            return "contains a character Windows does not allow in names";
        }

        var stem = segment.Split('.')[0].TrimEnd(' ');
        if (Reserved.Contains(stem))
        {
            return $"uses the reserved Windows device name '{stem}'";
        }

        return segment.EndsWith('.') || segment.EndsWith(' ')
            ? "ends with a dot or a space, which Windows drops"
            : null;
    }
}
