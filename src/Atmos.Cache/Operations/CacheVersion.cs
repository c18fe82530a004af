using System.Security.Cryptography;
using System.Text;
using Atmos.Cache.Archiving;

namespace Atmos.Cache.Operations;

/// <summary>
/// The version namespace of cache entries. gzip entries share the Atmos CLI's namespace
/// (hex SHA-256 of <c>atmos-cache-v1</c>) so the two tools restore each other's caches; zstd
/// entries live in their own namespace so a client that only reads gzip never gets one.
/// </summary>
internal static class CacheVersion
{
    public const string GzipNamespace = "atmos-cache-v1";
    public const string ZstdNamespace = "atmos-cache-v1-zstd";

    public static string For(ArchiveCompression compression) => Hash(compression switch
    {
        ArchiveCompression.Zstd => ZstdNamespace,
        _ => GzipNamespace,
    });

    private static string Hash(string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
}
