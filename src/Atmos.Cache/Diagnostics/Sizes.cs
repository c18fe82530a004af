using System.Globalization;

namespace Atmos.Cache.Diagnostics;

/// <summary>Byte counts for people: every message that shows a size uses this one format.</summary>
internal static class Sizes
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>
    /// Bytes in 1024-based units with their binary names and one decimal, in the invariant culture:
    /// <c>1023 B</c>, <c>1.0 KiB</c>, <c>312.0 MiB</c> for 327,127,266 bytes.
    /// </summary>
    public static string Format(long bytes)
    {
        // 1023.95 rather than 1024: a value that would round to "1024.0" is shown in the next unit.
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1023.95 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }
}
