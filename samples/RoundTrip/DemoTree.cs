using System.Security.Cryptography;

namespace RoundTrip;

/// <summary>Writes a small toolchain-like tree and lists it for comparison.</summary>
internal static class DemoTree
{
    public static void Write(string root)
    {
        var tool = WriteFile(root, "toolchain/bin/terraform", "#!/bin/sh\necho terraform 1.9.0\n");
        WriteFile(root, "toolchain/toolchain.lock.yaml", "terraform: 1.9.0\n");
        WriteFile(root, "plugins/cache/provider.bin", new string('x', 200_000));
        Directory.CreateDirectory(Path.Combine(root, "plugins", "empty"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(tool, (UnixFileMode)0b111_101_101);
            File.CreateSymbolicLink(Path.Combine(root, "toolchain", "current"), "bin/terraform");
        }

        File.SetLastWriteTimeUtc(tool, new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc));
    }

    /// <summary>
    /// One line per entry: path, type, permission bits, modification time (in whole seconds, the
    /// precision tar keeps), size and hash or link target.
    /// </summary>
    public static List<string> List(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        return Directory.EnumerateFileSystemEntries(root, "*", options)
            .Select(path => (Path: path, Relative: Path.GetRelativePath(root, path).Replace('\\', '/')))
            .Where(e => !e.Relative.StartsWith(".atmos-cache", StringComparison.Ordinal))
            .Select(e => Describe(e.Path, e.Relative))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static string Describe(string path, string relative)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target)
        {
            return $"{relative} -> {target}";
        }

        var mode = OperatingSystem.IsWindows() ? "" : Convert.ToString((int)File.GetUnixFileMode(path), 8);
        if (Directory.Exists(path))
        {
            return $"{relative}/ mode={mode}";
        }

        var hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))[..16];
        return $"{relative} mode={mode} mtime={new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeSeconds()} size={info.Length} sha256={hash}";
    }

    private static string WriteFile(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }
}
