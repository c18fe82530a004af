using System.Globalization;
using System.Text;

namespace Atmos.Cache.Keys.Templates;

/// <summary>
/// Go's <c>fmt.Sprint</c>, <c>Sprintln</c> and <c>Sprintf</c> over <see cref="GoValues"/>: verbs, flags
/// (<c>+ - # 0 space</c>), width and precision (also <c>*</c>), explicit argument indexes, and Go's error
/// texts (<c>%!d(string=x)</c>, <c>%!s(MISSING)</c>, <c>%!(EXTRA int=1)</c>, <c>%!(NOVERB)</c>).
/// </summary>
internal sealed class GoFormatter
{
    private readonly StringBuilder _output = new();
    private bool _sharp;
    private bool _zero;
    private bool _plus;
    private bool _minus;
    private bool _space;
    private bool _sharpV;
    private int _width;
    private bool _widthPresent;
    private int _precision;
    private bool _precisionPresent;

    internal static string Sprint(IReadOnlyList<object?> args)
    {
        var f = new GoFormatter();
        for (var i = 0; i < args.Count; i++)
        {
            if (i > 0 && args[i] is not string && args[i - 1] is not string)
            {
                f._output.Append(' ');
            }

            f.PrintArg(args[i], 'v');
        }

        return f._output.ToString();
    }

    internal static string Sprintln(IReadOnlyList<object?> args)
    {
        var f = new GoFormatter();
        for (var i = 0; i < args.Count; i++)
        {
            if (i > 0)
            {
                f._output.Append(' ');
            }

            f.PrintArg(args[i], 'v');
        }

        return f._output.Append('\n').ToString();
    }

    internal static string Sprintf(string format, IReadOnlyList<object?> args)
    {
        var f = new GoFormatter();
        f.DoPrintf(format, args);
        return f._output.ToString();
    }

    private void ClearFlags()
    {
        _sharp = _zero = _plus = _minus = _space = _sharpV = false;
        _width = _precision = 0;
        _widthPresent = _precisionPresent = false;
    }

    private void DoPrintf(string format, IReadOnlyList<object?> args)
    {
        var end = format.Length;
        var argNum = 0;
        var reordered = false;
        var i = 0;
        while (i < end)
        {
            var goodArgNum = true;
            var last = i;
            while (i < end && format[i] != '%')
            {
                i++;
            }

            _output.Append(format, last, i - last);
            if (i >= end)
            {
                break;
            }

            i++;
            ClearFlags();
            for (; i < end; i++)
            {
                var c = format[i];
                if (c == '#')
                {
                    _sharp = true;
                }
                else if (c == '0')
                {
                    _zero = !_minus;
                }
                else if (c == '+')
                {
                    _plus = true;
                }
                else if (c == '-')
                {
                    _minus = true;
                    _zero = false;
                }
                else if (c == ' ')
                {
                    _space = true;
                }
                else
                {
                    break;
                }
            }

            var afterIndex = false;
            (argNum, i, afterIndex) = ArgNumber(argNum, format, i, args.Count, ref reordered, ref goodArgNum);
            if (i < end && format[i] == '*')
            {
                i++;
                (_width, _widthPresent, argNum) = IntFromArg(args, argNum);
                if (!_widthPresent)
                {
                    _output.Append("%!(BADWIDTH)");
                }

                if (_width < 0)
                {
                    _width = -_width;
                    _minus = true;
                    _zero = false;
                }

                afterIndex = false;
            }
            else
            {
                (_width, _widthPresent, i) = ParseNumber(format, i, end);
                if (afterIndex && _widthPresent)
                {
                    goodArgNum = false;
                }
            }

            if (i + 1 < end && format[i] == '.')
            {
                i++;
                if (afterIndex)
                {
                    goodArgNum = false;
                }

                (argNum, i, afterIndex) = ArgNumber(argNum, format, i, args.Count, ref reordered, ref goodArgNum);
                if (i < end && format[i] == '*')
                {
                    i++;
                    (_precision, _precisionPresent, argNum) = IntFromArg(args, argNum);
                    if (_precision < 0)
                    {
                        _precision = 0;
                        _precisionPresent = false;
                    }

                    if (!_precisionPresent)
                    {
                        _output.Append("%!(BADPREC)");
                    }

                    afterIndex = false;
                }
                else
                {
                    (_precision, _precisionPresent, i) = ParseNumber(format, i, end);
                    if (!_precisionPresent)
                    {
                        _precision = 0;
                        _precisionPresent = true;
                    }
                }
            }

            if (!afterIndex)
            {
                (argNum, i, afterIndex) = ArgNumber(argNum, format, i, args.Count, ref reordered, ref goodArgNum);
            }

            if (i >= end)
            {
                _output.Append("%!(NOVERB)");
                break;
            }

            var verb = Rune.GetRuneAt(format, i);
            i += verb.Utf16SequenceLength;
            if (verb.Value == '%')
            {
                _output.Append('%');
            }
            else if (!goodArgNum)
            {
                BadArgNum(verb, "BADINDEX");
            }
            else if (argNum >= args.Count)
            {
                BadArgNum(verb, "MISSING");
            }
            else
            {
                if (verb.Value == 'v')
                {
                    _sharpV = _sharp;
                    _sharp = false;
                    _plus = false;
                }

                PrintArg(args[argNum], verb.Value);
                argNum++;
            }
        }

        if (!reordered && argNum < args.Count)
        {
            ClearFlags();
            _output.Append("%!(EXTRA ");
            for (var a = argNum; a < args.Count; a++)
            {
                if (a > argNum)
                {
                    _output.Append(", ");
                }

                if (args[a] is null)
                {
                    _output.Append("<nil>");
                }
                else
                {
                    _output.Append(GoValues.TypeName(args[a])).Append('=');
                    PrintArg(args[a], 'v');
                }
            }

            _output.Append(')');
        }
    }

    private void BadArgNum(Rune verb, string what) => _output.Append("%!").Append(verb.ToString()).Append('(').Append(what).Append(')');

    private static (int Value, bool Present, int Next) ParseNumber(string s, int start, int end)
    {
        if (start >= end)
        {
            return (0, false, end);
        }

        var num = 0;
        var i = start;
        for (; i < end && char.IsAsciiDigit(s[i]); i++)
        {
            if (num > 1_000_000)
            {
                return (0, false, end);
            }

            num = (num * 10) + (s[i] - '0');
        }

        return (num, i > start, i);
    }

    private static (int ArgNum, int Next, bool Found) ArgNumber(
        int argNum, string format, int i, int numArgs, ref bool reordered, ref bool goodArgNum)
    {
        if (format.Length <= i || format[i] != '[')
        {
            return (argNum, i, false);
        }

        reordered = true;
        for (var j = 1; j < format.Length - i; j++)
        {
            if (format[i + j] == ']')
            {
                var (index, ok, next) = ParseNumber(format, i + 1, i + j);
                if (!ok || next != i + j)
                {
                    goodArgNum = false;
                    return (argNum, i + j + 1, false);
                }

                index--;
                if (index >= 0 && index < numArgs)
                {
                    return (index, i + j + 1, true);
                }

                goodArgNum = false;
                return (argNum, i + j + 1, true);
            }
        }

        goodArgNum = false;
        return (argNum, i + 1, false);
    }

    private static (int Value, bool Present, int ArgNum) IntFromArg(IReadOnlyList<object?> args, int argNum)
    {
        if (argNum >= args.Count)
        {
            return (0, false, argNum);
        }

        var (value, ok) = args[argNum] switch
        {
            long l when l is >= -1_000_000 and <= 1_000_000 => ((int)l, true),
            byte b => (b, true),
            _ => (0, false),
        };
        return (value, ok, argNum + 1);
    }

    private void PrintArg(object? arg, int verb)
    {
        if (arg is null)
        {
            if (verb is 'T' or 'v')
            {
                Pad("<nil>");
            }
            else
            {
                BadVerb(verb, arg);
            }

            return;
        }

        if (verb == 'T')
        {
            Pad(GoValues.TypeName(arg));
            return;
        }

        switch (arg)
        {
            case bool b:
                if (verb is 't' or 'v')
                {
                    Pad(b ? "true" : "false");
                }
                else
                {
                    BadVerb(verb, arg);
                }

                break;
            case long l:
                FormatInteger(l < 0 ? (ulong)-(l + 1) + 1 : (ulong)l, l < 0, verb, arg);
                break;
            case byte b:
                FormatInteger(b, false, verb, arg);
                break;
            case double d:
                FormatFloat(d, verb, arg);
                break;
            case string s:
                FormatString(s, verb, arg);
                break;
            case GoMap map:
                _output.Append("map[");
                var first = true;
                foreach (var (key, value) in map.Sorted())
                {
                    if (!first)
                    {
                        _output.Append(' ');
                    }

                    first = false;
                    PrintArg(key, verb);
                    _output.Append(':');
                    PrintArg(value, verb);
                }

                _output.Append(']');
                break;
            default:
                BadVerb(verb, arg);
                break;
        }
    }

    private void BadVerb(int verb, object? arg)
    {
        _output.Append("%!").Append(char.ConvertFromUtf32(verb)).Append('(');
        if (arg is null)
        {
            _output.Append("<nil>");
        }
        else
        {
            _output.Append(GoValues.TypeName(arg)).Append('=');
            PrintArg(arg, 'v');
        }

        _output.Append(')');
    }

    private void FormatInteger(ulong magnitude, bool negative, int verb, object arg)
    {
        switch (verb)
        {
            case 'v' or 'd': Integer(magnitude, negative, 10, verb, false); break;
            case 'b': Integer(magnitude, negative, 2, verb, false); break;
            case 'o' or 'O': Integer(magnitude, negative, 8, verb, false); break;
            case 'x': Integer(magnitude, negative, 16, verb, false); break;
            case 'X': Integer(magnitude, negative, 16, verb, true); break;
            case 'c': Pad(RuneText(negative ? ulong.MaxValue : magnitude)); break;
            case 'q': Pad(GoQuote.QuoteRune(RuneValue(negative ? ulong.MaxValue : magnitude), _plus)); break;
            case 'U': Unicode(negative ? ulong.MaxValue : magnitude); break;
            default: BadVerb(verb, arg); break;
        }
    }

    private static int RuneValue(ulong value) =>
        value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF) ? 0xFFFD : (int)value;

    private static string RuneText(ulong value) => char.ConvertFromUtf32(RuneValue(value));

    private void Integer(ulong u, bool negative, int radix, int verb, bool upper)
    {
        var precision = 0;
        if (_precisionPresent)
        {
            precision = _precision;
            if (precision == 0 && u == 0)
            {
                WritePadding(_width, zero: false);
                return;
            }
        }
        else if (_zero && !_minus && _widthPresent)
        {
            precision = _width;
            if (negative || _plus || _space)
            {
                precision--;
            }
        }

        var digits = ToRadix(u, radix, upper);
        if (digits.Length < precision)
        {
            digits = new string('0', precision - digits.Length) + digits;
        }

        if (_sharp)
        {
            digits = radix switch
            {
                2 => "0b" + digits,
                8 when digits[0] != '0' => "0" + digits,
                16 => (upper ? "0X" : "0x") + digits,
                _ => digits,
            };
        }

        if (verb == 'O')
        {
            digits = "0o" + digits;
        }

        digits = (negative ? "-" : _plus ? "+" : _space ? " " : string.Empty) + digits;
        var oldZero = _zero;
        _zero = false;
        Pad(digits);
        _zero = oldZero;
    }

    private static string ToRadix(ulong value, int radix, bool upper)
    {
        if (value == 0)
        {
            return "0";
        }

        var chars = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        var builder = new StringBuilder();
        while (value > 0)
        {
            builder.Insert(0, chars[(int)(value % (ulong)radix)]);
            value /= (ulong)radix;
        }

        return builder.ToString();
    }

    private void Unicode(ulong value)
    {
        var hex = value.ToString("X", CultureInfo.InvariantCulture);
        var precision = _precisionPresent && _precision > 4 ? _precision : 4;
        var text = "U+" + hex.PadLeft(precision, '0');
        if (_sharp && value <= 0x10FFFF && GoQuote.IsPrint(RuneValue(value)))
        {
            text += " '" + RuneText(value) + "'";
        }

        var oldZero = _zero;
        _zero = false;
        Pad(text);
        _zero = oldZero;
    }

    private void FormatFloat(double value, int verb, object arg)
    {
        var (format, precision) = verb switch
        {
            'v' => ('g', -1),
            'g' or 'G' => ((char)verb, -1),
            'e' or 'E' or 'f' => ((char)verb, 6),
            'F' => ('f', 6),
            _ => ('\0', 0),
        };
        if (format == '\0')
        {
            BadVerb(verb, arg);
            return;
        }

        if (_precisionPresent)
        {
            precision = _precision;
        }

        var number = GoFloat.Format(value, format, precision);
        var signed = number[0] is '-' or '+' ? number : "+" + number;
        if (_space && signed[0] == '+' && !_plus)
        {
            signed = " " + signed[1..];
        }

        if (signed[1] is 'I' or 'N')
        {
            var oldZero = _zero;
            _zero = false;
            Pad(signed[1] == 'N' && !_space && !_plus ? signed[1..] : signed);
            _zero = oldZero;
            return;
        }

        if (_plus || signed[0] != '+')
        {
            if (_zero && !_minus && _widthPresent && _width > signed.Length)
            {
                _output.Append(signed[0]);
                WritePadding(_width - signed.Length, zero: true);
                _output.Append(signed, 1, signed.Length - 1);
                return;
            }

            Pad(signed);
            return;
        }

        Pad(signed[1..]);
    }

    private void FormatString(string value, int verb, object arg)
    {
        switch (verb)
        {
            case 'v' when _sharpV:
            case 'q':
                Quote(value);
                break;
            case 'v' or 's':
                Pad(Truncate(value));
                break;
            case 'x':
                Hex(value, false);
                break;
            case 'X':
                Hex(value, true);
                break;
            default:
                BadVerb(verb, arg);
                break;
        }
    }

    private string Truncate(string value)
    {
        if (!_precisionPresent)
        {
            return value;
        }

        var count = 0;
        var index = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            if (count == _precision)
            {
                return value[..index];
            }

            count++;
            index += rune.Utf16SequenceLength;
        }

        return value;
    }

    private void Quote(string value)
    {
        value = Truncate(value);
        if (_sharp && GoQuote.CanBackquote(value))
        {
            Pad("`" + value + "`");
            return;
        }

        Pad(GoQuote.Quote(value, _plus));
    }

    private void Hex(string value, bool upper)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var length = _precisionPresent && _precision < bytes.Length ? _precision : bytes.Length;
        var width = 2 * length;
        if (width == 0)
        {
            if (_widthPresent)
            {
                WritePadding(_width, _zero);
            }

            return;
        }

        if (_space)
        {
            if (_sharp)
            {
                width *= 2;
            }

            width += length - 1;
        }
        else if (_sharp)
        {
            width += 2;
        }

        if (_widthPresent && _width > width && !_minus)
        {
            WritePadding(_width - width, _zero);
        }

        var digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        var prefix = upper ? "0X" : "0x";
        if (_sharp)
        {
            _output.Append(prefix);
        }

        for (var i = 0; i < length; i++)
        {
            if (_space && i > 0)
            {
                _output.Append(' ');
                if (_sharp)
                {
                    _output.Append(prefix);
                }
            }

            _output.Append(digits[bytes[i] >> 4]).Append(digits[bytes[i] & 0xF]);
        }

        if (_widthPresent && _width > width && _minus)
        {
            WritePadding(_width - width, _zero);
        }
    }

    // Width counts runes, as Go's fmt does.
    private void Pad(string text)
    {
        if (!_widthPresent || _width == 0)
        {
            _output.Append(text);
            return;
        }

        var padding = _width - text.EnumerateRunes().Count();
        if (!_minus)
        {
            WritePadding(padding, _zero);
            _output.Append(text);
        }
        else
        {
            _output.Append(text);
            WritePadding(padding, _zero);
        }
    }

    private void WritePadding(int count, bool zero)
    {
        if (count > 0)
        {
            _output.Append(zero ? '0' : ' ', count);
        }
    }
}
