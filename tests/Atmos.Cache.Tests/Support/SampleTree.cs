namespace Atmos.Cache.Tests.Support;

/// <summary>A small cache tree with the features a round trip must keep.</summary>
public static class SampleTree
{
    /// <summary>Writes files, an executable, an empty folder, an in-root symlink and fixed modification times.</summary>
    public static void Write(string root, string marker = "v1")
    {
        Directory.CreateDirectory(root);
        var tool = Write(root, "toolchain/bin/terraform", "#!/bin/sh\necho " + marker + "\n");
        Write(root, "toolchain/toolchain.lock.yaml", "terraform: 1.9.0\n");
        Write(root, "plugins/registry/provider.bin", new string('p', 50_000) + marker);
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            File.CreateSymbolicLink(Path.Combine(root, "toolchain", "current"), "bin/terraform");
        }

        var stamp = new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).LinkTarget is null))
        {
            File.SetLastWriteTimeUtc(file, stamp);
        }
    }

    private static string Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }
}
