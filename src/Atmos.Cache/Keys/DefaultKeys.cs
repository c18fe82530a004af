using System.Security.Cryptography;

namespace Atmos.Cache.Keys;

/// <summary>The keys used when none is configured, derived like Atmos derives them.</summary>
internal static class DefaultKeys
{
    public const string Prefix = "atmos-cache-";
    public const string NoLock = "no-lock";

    /// <summary>The toolchain lockfile Atmos keeps under the cache root.</summary>
    public static string LockfilePath(string root) => Path.Combine(root, "toolchain", "toolchain.lock.yaml");

    /// <summary><c>atmos-cache-&lt;os&gt;-&lt;arch&gt;-&lt;first 16 hex of SHA-256 of the lockfile, or no-lock&gt;</c>.</summary>
    public static string Key(string lockfilePath) => $"{RestoreKey()}{LockfileHash(lockfilePath)}";

    /// <summary>The prefix fallback that goes with the default key: <c>atmos-cache-&lt;os&gt;-&lt;arch&gt;-</c>.</summary>
    public static string RestoreKey() => $"{Prefix}{GoPlatform.Os}-{GoPlatform.Arch}-";

    private static string LockfileHash(string lockfilePath)
    {
        try
        {
            var bytes = File.ReadAllBytes(lockfilePath);
            return HashFiles.ToHex(SHA256.HashData(bytes))[..HashFiles.HashLength];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Absent or unreadable (or a folder): the stable marker keeps restore-key fallback working.
            return NoLock;
        }
    }
}
