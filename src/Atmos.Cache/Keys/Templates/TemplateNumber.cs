using System.Globalization;
using System.Numerics;

namespace Atmos.Cache.Keys.Templates;

/// <summary>
/// Number and character constants as Go's template gives them to an untyped argument: an <c>int</c>
/// (<see cref="long"/>) unless the text has a fraction or exponent (then <c>float64</c>, <see cref="double"/>);
/// a character constant is its code point as an <c>int</c>.
/// </summary>
internal static class TemplateNumber
{
    internal static NumberNode Parse(TemplateToken token)
    {
        var text = token.Value;
        if (token.Kind == TokenKind.Char)
        {
            return new NumberNode(token.Position, text, (long)ParseChar(token));
        }

        if (text.EndsWith('i'))
        {
            throw new TemplateSyntaxException(token.Position, $"complex constants are not supported: {text}");
        }

        if (TryParseInteger(text, out var integer))
        {
            // Go keeps a float for "1e3" and "2.0" even though they are whole numbers.
            var isFloatText = !IsHexInteger(text) && text.AsSpan().IndexOfAny(".eEpP") >= 0;
            return new NumberNode(token.Position, text, isFloatText ? (double)integer : (object)(long)integer);
        }

        if (!TryParseFloat(text, out var value))
        {
            throw new TemplateSyntaxException(token.Position, $"illegal number syntax: \"{text}\"");
        }

        if (text.AsSpan().IndexOfAny(".eEpP") < 0)
        {
            throw new TemplateSyntaxException(token.Position, $"integer overflow: \"{text}\"");
        }

        return new NumberNode(token.Position, text, value);
    }

    private static bool IsHexInteger(string text)
    {
        var unsigned = text.TrimStart('+', '-');
        return unsigned.Length > 2 && unsigned[0] == '0' && unsigned[1] is 'x' or 'X' && unsigned.AsSpan().IndexOfAny("pP") < 0;
    }

    private static int ParseChar(TemplateToken token)
    {
        var body = token.Value[1..^1];
        var literal = body switch
        {
            "\\'" => "\"'\"",
            "\"" => "\"\\\"\"",
            _ => "\"" + body + "\"",
        };
        if (body.Length == 0 || !GoStringLiteral.TryDecode(literal, out var decoded, out _)
            || decoded.EnumerateRunes().Count() != 1 || body.StartsWith("\\\"", StringComparison.Ordinal))
        {
            throw new TemplateSyntaxException(token.Position, $"malformed character constant: {token.Value}");
        }

        return decoded.EnumerateRunes().First().Value;
    }

    // strconv.ParseInt(text, 0, 64), or a whole float that Go also accepts as int ("1e3", "2.0").
    private static bool TryParseInteger(string text, out BigInteger value)
    {
        if (TryParseGoInteger(text, out value))
        {
            return value >= long.MinValue && value <= long.MaxValue;
        }

        if (text.AsSpan().IndexOfAny(".eEpP") >= 0 && TryParseFloat(text, out var f) && Math.Floor(f) == f && f >= long.MinValue && f < 9.2233720368547758E18)
        {
            value = new BigInteger(f);
            return true;
        }

        return false;
    }

    private static bool TryParseGoInteger(string text, out BigInteger value)
    {
        value = BigInteger.Zero;
        var s = text;
        var negative = false;
        if (s.StartsWith('+') || s.StartsWith('-'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        var radix = 10;
        var prefixed = false;
        if (s.Length >= 2 && s[0] == '0')
        {
            switch (char.ToLowerInvariant(s[1]))
            {
                case 'x': radix = 16; s = s[2..]; prefixed = true; break;
                case 'o': radix = 8; s = s[2..]; prefixed = true; break;
                case 'b': radix = 2; s = s[2..]; prefixed = true; break;
                default: radix = 8; s = s[1..]; prefixed = true; break;
            }
        }

        if (!UnderscoresOk(s, prefixed))
        {
            return false;
        }

        s = s.Replace("_", string.Empty, StringComparison.Ordinal);
        if (s.Length == 0)
        {
            return text.TrimStart('+', '-') == "0" && SetZero(out value);
        }

        foreach (var c in s)
        {
            var digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetter(c) ? char.ToLowerInvariant(c) - 'a' + 10 : 99;
            if (digit >= radix)
            {
                return false;
            }

            value = (value * radix) + digit;
        }

        value = negative ? -value : value;
        return true;
    }

    private static bool SetZero(out BigInteger value)
    {
        value = BigInteger.Zero;
        return true;
    }

    // Go: underscores only between digits, or right after a base prefix.
    private static bool UnderscoresOk(string digits, bool prefixed)
    {
        if (digits.Length == 0)
        {
            return true;
        }

        if (digits[^1] == '_' || (!prefixed && digits[0] == '_'))
        {
            return false;
        }

        return !digits.Contains("__", StringComparison.Ordinal);
    }

    private static bool TryParseFloat(string text, out double value)
    {
        value = 0;
        var s = text.Replace("_", string.Empty, StringComparison.Ordinal);
        var unsigned = s.TrimStart('+', '-');
        if (unsigned.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return TryParseHexFloat(s, out value);
        }

        if (unsigned.Length == 0 || !(char.IsAsciiDigit(unsigned[0]) || unsigned[0] == '.'))
        {
            return false;
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsInfinity(value);
    }

    private static bool TryParseHexFloat(string text, out double value)
    {
        value = 0;
        var negative = text.StartsWith('-');
        var s = text.TrimStart('+', '-')[2..];
        var p = s.IndexOfAny(['p', 'P']);
        var mantissa = p < 0 ? s : s[..p];
        var exponent = 0;
        if (p >= 0 && !int.TryParse(s[(p + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
        {
            return false;
        }

        var dot = mantissa.IndexOf('.');
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var fraction = dot < 0 ? 0 : mantissa.Length - dot - 1;
        if (digits.Length == 0 || !BigInteger.TryParse("0" + digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var m))
        {
            return false;
        }

        value = (double)m * Math.Pow(2, exponent - (4 * fraction));
        value = negative ? -value : value;
        return !double.IsInfinity(value);
    }
}
