using System.Globalization;
using System.Text;

namespace Atmos.Cache.Keys.Templates;

/// <summary>The escapers behind the <c>html</c>, <c>js</c> and <c>urlquery</c> builtins, as Go writes them.</summary>
internal static class GoEscapes
{
    /// <summary>Go's <c>template.HTMLEscapeString</c>.</summary>
    internal static string Html(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '"' => "&#34;",
                '\'' => "&#39;",
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '\0' => "\uFFFD",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    /// <summary>Go's <c>template.JSEscapeString</c>.</summary>
    internal static string JavaScript(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            var r = rune.Value;
            switch (r)
            {
                case '\\': builder.Append(@"\\"); continue;
                case '\'': builder.Append(@"\'"); continue;
                case '"': builder.Append("\\\""); continue;
                case '<': builder.Append(@"\u003C"); continue;
                case '>': builder.Append(@"\u003E"); continue;
                case '&': builder.Append(@"\u0026"); continue;
                case '=': builder.Append(@"\u003D"); continue;
            }

            if (r < ' ')
            {
                builder.Append(@"\u00").Append(r.ToString("X2", CultureInfo.InvariantCulture));
            }
            else if (r < 0x80 || GoQuote.IsPrint(r))
            {
                builder.Append(rune.ToString());
            }
            else
            {
                builder.Append(@"\u").Append(r.ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>Go's <c>url.QueryEscape</c>: space becomes <c>+</c>, unreserved bytes stay, the rest is <c>%XX</c>.</summary>
    internal static string UrlQuery(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else if (c == ' ')
            {
                builder.Append('+');
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
