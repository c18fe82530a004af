using System.Globalization;
using System.Text;

namespace Atmos.Cache.Keys.Templates;

/// <summary>Go's <c>strconv.Quote</c>, <c>QuoteToASCII</c>, <c>QuoteRune</c> and <c>CanBackquote</c>.</summary>
internal static class GoQuote
{
    internal static string Quote(string value, bool asciiOnly)
    {
        var builder = new StringBuilder("\"");
        foreach (var rune in value.EnumerateRunes())
        {
            AppendEscaped(builder, rune.Value, '"', asciiOnly);
        }

        return builder.Append('"').ToString();
    }

    internal static string QuoteRune(int rune, bool asciiOnly)
    {
        var builder = new StringBuilder("'");
        AppendEscaped(builder, rune, '\'', asciiOnly);
        return builder.Append('\'').ToString();
    }

    internal static bool CanBackquote(string value)
    {
        foreach (var rune in value.EnumerateRunes())
        {
            var r = rune.Value;
            if (r == '`' || r == 0xFEFF || r == 0xFFFD || (r < ' ' && r != '\t') || r == 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Go's <c>unicode.IsPrint</c>: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    internal static bool IsPrint(int rune)
    {
        if (rune == ' ')
        {
            return true;
        }

        return Rune.GetUnicodeCategory(new Rune(rune)) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }

    private static void AppendEscaped(StringBuilder builder, int r, char quote, bool asciiOnly)
    {
        if (r == quote || r == '\\')
        {
            builder.Append('\\').Append((char)r);
            return;
        }

        if (asciiOnly ? r < 0x80 && IsPrint(r) : IsPrint(r))
        {
            builder.Append(char.ConvertFromUtf32(r));
            return;
        }

        switch (r)
        {
            case '\a': builder.Append(@"\a"); return;
            case '\b': builder.Append(@"\b"); return;
            case '\f': builder.Append(@"\f"); return;
            case '\n': builder.Append(@"\n"); return;
            case '\r': builder.Append(@"\r"); return;
            case '\t': builder.Append(@"\t"); return;
            case '\v': builder.Append(@"\v"); return;
        }

        if (r < ' ' || r == 0x7F)
        {
            builder.Append(@"\x").Append(r.ToString("x2", CultureInfo.InvariantCulture));
        }
        else if (r < 0x10000)
        {
            builder.Append(@"\u").Append(r.ToString("x4", CultureInfo.InvariantCulture));
        }
        else
        {
            builder.Append(@"\U").Append(r.ToString("x8", CultureInfo.InvariantCulture));
        }
    }
}
