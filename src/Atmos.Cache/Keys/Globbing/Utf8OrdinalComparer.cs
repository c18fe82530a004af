namespace Atmos.Cache.Keys.Globbing;

/// <summary>
/// Orders strings by their UTF-8 bytes, as Go's <c>sort.Strings</c> does. Plain ordinal comparison of
/// UTF-16 differs when a character above U+FFFF meets one in U+E000..U+FFFF.
/// </summary>
internal sealed class Utf8OrdinalComparer : IComparer<string>
{
    internal static readonly Utf8OrdinalComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a == b)
            {
                continue;
            }

            return CodePointOrder(a) - CodePointOrder(b);
        }

        return x.Length - y.Length;
    }

    // Surrogates (D800-DFFF) move above E000-FFFF, which gives code point (= UTF-8 byte) order.
    private static int CodePointOrder(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
}
