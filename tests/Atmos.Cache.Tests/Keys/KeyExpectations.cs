using System.Security.Cryptography;
using System.Text;
using Atmos.Cache.Errors;
using Atmos.Cache.Tests.Archiving;

namespace Atmos.Cache.Tests.Keys;

/// <summary>Expected values computed independently of the code under test.</summary>
internal static class KeyExpectations
{
    /// <summary>Go's GOOS for this machine, from the kernel's own name (<c>uname -s</c>).</summary>
    public static string Os => Platform.Value.Os;

    /// <summary>Go's GOARCH for this machine, from the kernel's machine name (<c>uname -m</c>).</summary>
    public static string Arch => Platform.Value.Arch;

    private static readonly Lazy<(string Os, string Arch)> Platform = new(ReadPlatform);

    /// <summary>
    /// The platform as the operating system reports it, translated with Go's documented GOOS and
    /// GOARCH names (go.dev/doc/install/source, "$GOOS and $GOARCH"): an answer that does not go
    /// through <c>RuntimeInformation</c>, which the code under test reads.
    /// </summary>
    private static (string Os, string Arch) ReadPlatform()
    {
        if (OperatingSystem.IsWindows())
        {
            return ("windows", Environment.GetEnvironmentVariable("PROCESSOR_ARCHITECTURE") switch
            {
                "AMD64" => "amd64",
                "ARM64" => "arm64",
                "x86" => "386",
                var other => other?.ToLowerInvariant() ?? "unknown",
            });
        }

        var uname = Tools.Run("uname", "-s", "-m").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var os = uname[0] switch
        {
            "Linux" => "linux",
            "Darwin" => "darwin",
            "FreeBSD" => "freebsd",
            var other => other.ToLowerInvariant(),
        };
        var arch = uname[1] switch
        {
            "x86_64" or "amd64" => "amd64",
            "aarch64" or "arm64" => "arm64",
            "i386" or "i686" => "386",
            "armv6l" or "armv7l" => "arm",
            "loongarch64" => "loong64",
            var other => other, // s390x, ppc64le, riscv64: the same in both
        };
        return (os, arch);
    }

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
