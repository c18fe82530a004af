using System.Globalization;
using System.Text;

namespace Atmos.Cache.Keys;

/// <summary>Decodes Go string literals: <c>"..."</c> with Go's escapes, and back-quoted raw strings.</summary>
internal static class GoStringLiteral
{
    /// <summary>Decodes the literal text including its quotes; returns an error description on failure.</summary>
    internal static bool TryDecode(string literal, out string value, out string? error)
    {
        value = string.Empty;
        error = null;
        if (literal.Length >= 2 && literal[0] == '`' && literal[^1] == '`')
        {
            // Go drops carriage returns from raw strings.
            value = literal[1..^1].Replace("\r", string.Empty, StringComparison.Ordinal);
            return true;
        }

        if (literal.Length < 2 || literal[0] != '"' || literal[^1] != '"')
        {
            error = "a string must be enclosed in double quotes or back quotes";
            return false;
        }

        // Go strings are bytes: \x and octal escapes add single bytes, everything else adds UTF-8.
        var bytes = new List<byte>(literal.Length);
        var body = literal[1..^1];
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c != '\\')
            {
                if (char.IsHighSurrogate(c) && i + 1 < body.Length)
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(body.Substring(i, 2)));
                    i++;
                }
                else
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                }

                continue;
            }

            if (i + 1 >= body.Length)
            {
                error = "a string ends with a lone backslash";
                return false;
            }

            var escape = body[++i];
            switch (escape)
            {
                case 'a': bytes.Add(0x07); break;
                case 'b': bytes.Add(0x08); break;
                case 'f': bytes.Add(0x0C); break;
                case 'n': bytes.Add(0x0A); break;
                case 'r': bytes.Add(0x0D); break;
                case 't': bytes.Add(0x09); break;
                case 'v': bytes.Add(0x0B); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case '"': bytes.Add((byte)'"'); break;
                case 'x':
                    if (!TryHex(body, i + 1, 2, out var hexByte))
                    {
                        error = @"\x must be followed by two hexadecimal digits";
                        return false;
                    }

                    bytes.Add((byte)hexByte);
                    i += 2;
                    break;
                case 'u':
                case 'U':
                    var digits = escape == 'u' ? 4 : 8;
                    if (!TryHex(body, i + 1, digits, out var codePoint) || !Rune.IsValid(codePoint))
                    {
                        error = $@"\{escape} must be followed by {digits} hexadecimal digits of a valid Unicode code point";
                        return false;
                    }

                    bytes.AddRange(Encoding.UTF8.GetBytes(new Rune(codePoint).ToString()));
                    i += digits;
                    break;
                case >= '0' and <= '7':
                    if (!TryOctal(body, i, out var octal))
                    {
                        error = "an octal escape must be three octal digits no greater than \\377";
                        return false;
                    }

                    bytes.Add((byte)octal);
                    i += 2;
                    break;
                default:
                    error = $"unknown escape sequence \\{escape}";
                    return false;
            }
        }

        value = Encoding.UTF8.GetString(bytes.ToArray());
        return true;
    }

    private static bool TryHex(string text, int start, int count, out int value)
    {
        value = 0;
        return start + count <= text.Length
               && int.TryParse(text.AsSpan(start, count), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
               && text.AsSpan(start, count).IndexOfAnyExcept("0123456789abcdefABCDEF") < 0;
    }

    private static bool TryOctal(string text, int start, out int value)
    {
        value = 0;
        if (start + 3 > text.Length)
        {
            return false;
        }

        for (var i = start; i < start + 3; i++)
        {
            if (text[i] is < '0' or > '7')
            {
                return false;
            }

            value = (value * 8) + (text[i] - '0');
        }

        return value <= 255;
    }
}
