using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Tests.Keys;

/// <summary>Expected values computed independently of the code under test.</summary>
internal static class KeyExpectations
{
    /// <summary>Go's GOOS for this machine.</summary>
    public static string Os =>
        OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : OperatingSystem.IsLinux() ? "linux" : "unknown";

    /// <summary>Go's GOARCH for this process.</summary>
    public static string Arch => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.X86 => "386",
        Architecture.Arm => "arm",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>First 16 hex characters of SHA-256 over each file's base name then bytes, in the given order.</summary>
    public static string HashOf(params string[] filesInOrder)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in filesInOrder)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file)));
            sha.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant()[..16];
    }

    /// <summary><see cref="HashOf"/> over the files sorted by full path (ASCII names: ordinal = byte order).</summary>
    public static string HashOfSorted(params string[] files) =>
        HashOf(files.OrderBy(f => f, StringComparer.Ordinal).ToArray());

    /// <summary>First 16 hex characters of SHA-256 of the file's bytes alone (the default key's lockfile hash).</summary>
    public static string LockHashOf(string file) =>
        Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))).ToLowerInvariant()[..16];

    /// <summary>Asserts the exception message contains every part.</summary>
    public static void MessageContains(CacheConfigurationException exception, params string[] parts)
    {
        foreach (var part in parts)
        {
            Assert.IsTrue(
                exception.Message.Contains(part, StringComparison.Ordinal),
                $"Expected the message to contain \"{part}\" but it was: {exception.Message}");
        }
    }
}
