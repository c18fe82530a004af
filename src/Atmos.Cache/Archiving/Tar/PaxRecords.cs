using System.Globalization;
using System.Text;

namespace Atmos.Cache.Archiving.Tar;

/// <summary>Parses POSIX extended header records ("&lt;length&gt; &lt;key&gt;=&lt;value&gt;\n").</summary>
internal static class PaxRecords
{
    /// <summary>Adds the records a restore uses (path, linkpath, size, mtime) to <paramref name="values"/>; false when the data is malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, Dictionary<string, string> values)
    {
        while (data.Length > 0)
        {
            var space = data.IndexOf((byte)' ');
            if (space <= 0
                || !int.TryParse(data[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length <= space + 1
                || length > data.Length
                || data[length - 1] != (byte)'\n')
            {
                return false;
            }

            var record = data[(space + 1)..(length - 1)];
            var equals = record.IndexOf((byte)'=');
            if (equals <= 0)
            {
                return false;
            }

            // Only the keys a restore uses become strings: a record full of others costs no allocations.
            if (KnownKey(record[..equals]) is { } key)
            {
                values[key] = Encoding.UTF8.GetString(record[(equals + 1)..]);
            }

            data = data[length..];
        }

        return true;
    }

    private static string? KnownKey(ReadOnlySpan<byte> key) =>
        key.SequenceEqual("path"u8) ? "path"
        : key.SequenceEqual("linkpath"u8) ? "linkpath"
        : key.SequenceEqual("size"u8) ? "size"
        : key.SequenceEqual("mtime"u8) ? "mtime"
        : null;

    /// <summary>A PAX time ("seconds[.fraction]", possibly negative) as UTC.</summary>
    public static bool TryTime(string text, out DateTime utc)
    {
        utc = default;
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        // Clamped in seconds first: multiplying a huge value by ticks per second would overflow.
        var min = (decimal)(DateTime.MinValue.Ticks - DateTime.UnixEpoch.Ticks);
        var max = (decimal)(DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks);
        seconds = Math.Clamp(seconds, min / TimeSpan.TicksPerSecond, max / TimeSpan.TicksPerSecond);
        var ticks = decimal.Truncate(seconds * TimeSpan.TicksPerSecond);
        utc = DateTime.UnixEpoch.AddTicks((long)Math.Clamp(ticks, min, max));
        return true;
    }
}
