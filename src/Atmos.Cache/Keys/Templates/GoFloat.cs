using System.Globalization;
using System.Numerics;
using System.Text;

namespace Atmos.Cache.Keys.Templates;

/// <summary>
/// Go's <c>strconv.FormatFloat</c> for the formats <c>e</c>, <c>E</c>, <c>f</c>, <c>g</c>, <c>G</c>: shortest
/// round-trip digits, or exact decimal digits rounded half-to-even as Go rounds them.
/// </summary>
internal static class GoFloat
{
    /// <summary>Formats <paramref name="value"/>; <paramref name="precision"/> -1 means the shortest exact representation.</summary>
    internal static string Format(double value, char format, int precision)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        var negative = double.IsNegative(value);
        var magnitude = Math.Abs(value);
        var shortest = precision < 0;
        Decimal digits;
        if (shortest)
        {
            digits = ShortestDigits(magnitude);
            precision = format switch
            {
                'e' or 'E' => Math.Max(digits.Count - 1, 0),
                'f' => Math.Max(digits.Count - digits.Point, 0),
                _ => digits.Count,
            };
        }
        else
        {
            digits = ExactDigits(magnitude);
            switch (format)
            {
                case 'e' or 'E':
                    digits = digits.Round(precision + 1);
                    break;
                case 'g' or 'G':
                    if (precision == 0)
                    {
                        precision = 1;
                    }

                    digits = digits.Round(precision);
                    break;
                default:
                    digits = digits.Round(digits.Point + precision);
                    break;
            }
        }

        var output = new StringBuilder();
        if (negative)
        {
            output.Append('-');
        }

        switch (format)
        {
            case 'e' or 'E':
                AppendE(output, digits, precision, format);
                break;
            case 'g' or 'G':
                var eprec = precision;
                if (eprec > digits.Count && digits.Count >= digits.Point)
                {
                    eprec = digits.Count;
                }

                if (shortest)
                {
                    eprec = 6;
                }

                var exponent = digits.Point - 1;
                if (exponent < -4 || exponent >= eprec)
                {
                    AppendE(output, digits, Math.Min(precision, digits.Count) - 1, format == 'g' ? 'e' : 'E');
                }
                else
                {
                    AppendF(output, digits, Math.Max((precision > digits.Point ? digits.Count : precision) - digits.Point, 0));
                }

                break;
            default:
                AppendF(output, digits, precision);
                break;
        }

        return output.ToString();
    }

    private static void AppendE(StringBuilder output, Decimal d, int precision, char letter)
    {
        output.Append(d.Count == 0 ? '0' : d.Digits[0]);
        if (precision > 0)
        {
            output.Append('.');
            for (var i = 1; i <= precision; i++)
            {
                output.Append(i < d.Count ? d.Digits[i] : '0');
            }
        }

        output.Append(letter);
        var exponent = d.Count == 0 ? 0 : d.Point - 1;
        output.Append(exponent < 0 ? '-' : '+');
        exponent = Math.Abs(exponent);
        output.Append(exponent < 10 ? "0" + exponent.ToString(CultureInfo.InvariantCulture) : exponent.ToString(CultureInfo.InvariantCulture));
    }

    private static void AppendF(StringBuilder output, Decimal d, int precision)
    {
        if (d.Point > 0)
        {
            for (var i = 0; i < d.Point; i++)
            {
                output.Append(i < d.Count ? d.Digits[i] : '0');
            }
        }
        else
        {
            output.Append('0');
        }

        if (precision > 0)
        {
            output.Append('.');
            for (var i = 0; i < precision; i++)
            {
                var j = d.Point + i;
                output.Append(j >= 0 && j < d.Count ? d.Digits[j] : '0');
            }
        }
    }

    // .NET's "R" gives the shortest digits that round-trip, as Go's shortest formatting does.
    private static Decimal ShortestDigits(double magnitude)
    {
        if (magnitude == 0)
        {
            return new Decimal(string.Empty, 0);
        }

        var roundTrip = magnitude.ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = roundTrip.IndexOfAny(['E', 'e']);
        var mantissa = exponentAt < 0 ? roundTrip : roundTrip[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(roundTrip[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.');
        var integerDigits = dot < 0 ? mantissa.Length : dot;
        var all = mantissa.Replace(".", string.Empty, StringComparison.Ordinal);
        var leadingZeros = all.Length - all.TrimStart('0').Length;
        return new Decimal(all.Trim('0'), integerDigits + exponent - leadingZeros);
    }

    // The exact decimal expansion of a double: mantissa * 2^exponent.
    private static Decimal ExactDigits(double magnitude)
    {
        if (magnitude == 0)
        {
            return new Decimal(string.Empty, 0);
        }

        var bits = BitConverter.DoubleToInt64Bits(magnitude);
        var biased = (int)((bits >> 52) & 0x7FF);
        var fraction = bits & 0xFFFFFFFFFFFFFL;
        var mantissa = biased == 0 ? fraction : fraction | (1L << 52);
        var exponent = (biased == 0 ? 1 : biased) - 1075;
        string digits;
        int point;
        if (exponent >= 0)
        {
            digits = (new BigInteger(mantissa) << exponent).ToString(CultureInfo.InvariantCulture);
            point = digits.Length;
        }
        else
        {
            digits = (new BigInteger(mantissa) * BigInteger.Pow(5, -exponent)).ToString(CultureInfo.InvariantCulture);
            point = digits.Length + exponent;
        }

        return new Decimal(digits.TrimEnd('0'), point);
    }

    /// <summary>Decimal digits (no trailing zeros) with the decimal point after <see cref="Point"/> digits.</summary>
    private readonly record struct Decimal(string Digits, int Point)
    {
        internal int Count => Digits.Length;

        // Go's decimal.Round: half to even on the exact digits.
        internal Decimal Round(int count)
        {
            if (count < 0 || count >= Count)
            {
                return this;
            }

            var roundUp = Digits[count] == '5' && count + 1 == Count
                ? count > 0 && (Digits[count - 1] - '0') % 2 == 1
                : Digits[count] >= '5';
            if (!roundUp)
            {
                return new Decimal(Digits[..count].TrimEnd('0'), Point);
            }

            for (var i = count - 1; i >= 0; i--)
            {
                if (Digits[i] < '9')
                {
                    return new Decimal(Digits[..i] + (char)(Digits[i] + 1), Point);
                }
            }

            return new Decimal("1", Point + 1);
        }
    }
}
