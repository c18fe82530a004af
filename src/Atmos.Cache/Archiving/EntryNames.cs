using System.Text;

namespace Atmos.Cache.Archiving;

/// <summary>Entry names and paths as messages show them: control characters escaped, long ones shortened to fit a line.</summary>
internal static class EntryNames
{
    private const int Keep = 48;

    public static string Display(string text)
    {
        if (text.Length <= 2 * Keep + 16)
        {
            return Escape(text);
        }

        // The start says where it is, the end which entry; the length tells what was left out.
        return $"{Escape(text.AsSpan(0, Keep))}…{Escape(text.AsSpan(text.Length - Keep))} ({text.Length} characters)";
    }

    private static string Escape(ReadOnlySpan<char> text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                builder.Append($"\\x{(int)c:x2}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
