using System.Text;

namespace Atmos.Cache.Backends.S3.Signing;

/// <summary>
/// The percent-encoding Signature V4 and S3 use: every byte of the UTF-8 form except the unreserved
/// characters <c>A-Z a-z 0-9 - . _ ~</c> becomes <c>%XX</c> (upper-case hex). The same encoding builds
/// the request URL and its canonical form, so what is signed is exactly what is sent.
/// </summary>
internal static class AwsUriEncoding
{
    /// <summary>Encodes a query name or value (a <c>/</c> is encoded too).</summary>
    public static string Encode(string value) => Encode(value, keepSlash: false);

    /// <summary>Encodes an S3 object path: each segment encoded, the <c>/</c> between segments kept.</summary>
    public static string EncodePath(string path) => Encode(path, keepSlash: true);

    private static string Encode(string value, bool keepSlash)
    {
        var builder = new StringBuilder(value.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.IsAscii && (IsUnreserved((char)rune.Value) || (keepSlash && rune.Value == '/')))
            {
                builder.Append((char)rune.Value);
                continue;
            }

            var length = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < length; i++)
            {
                builder.Append('%').Append(utf8[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static bool IsUnreserved(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.' or '_' or '~';
}
