namespace Atmos.Cache.Tests.Support;

/// <summary>A small toolchain-like tree: executables, private files, nested empty folders, long names and in-root links.</summary>
internal static class SampleTree
{
    public static readonly string LongFolder = string.Join('/', Enumerable.Range(0, 6).Select(static i => $"very-long-folder-name-{i:00}"));
    public static readonly string LongFile = LongFolder + "/a-file-with-a-long-name.txt";

    public static void Create(string root)
    {
        var time = new DateTime(2024, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        Write(root, "bin/tool", "#!/bin/sh\necho hi\n", 0x1ED, time);
        Write(root, "lib/data.bin", RandomText(200_000), 0x1A4, time.AddMinutes(1));
        Write(root, "secret/key", "private", 0x180, time.AddMinutes(2));
        Write(root, LongFile, "deep", 0x1A4, time.AddMinutes(3));
        Directory.CreateDirectory(Path.Combine(root, "empty/nested/deeper"));
        File.CreateSymbolicLink(Path.Combine(root, "lib/current"), "data.bin");
        File.CreateSymbolicLink(Path.Combine(root, "bin-link"), "bin");
        File.CreateSymbolicLink(Path.Combine(root, "long-link"), LongFile);
        Assert.IsGreaterThan(100, LongFile.Length);

        // Folder times last, deepest first, as writing into a folder changes its time.
        var folders = Directory.GetDirectories(root, "*", SearchOption.AllDirectories)
            .Where(static d => new DirectoryInfo(d).LinkTarget is null)
            .OrderByDescending(static d => d.Length)
            .ToList();
        for (var i = 0; i < folders.Count; i++)
        {
            Directory.SetLastWriteTimeUtc(folders[i], time.AddHours(i + 1));
        }
    }

    public static void Write(string root, string relative, string content, int mode, DateTime modifiedUtc)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)mode);
        }

        File.SetLastWriteTimeUtc(path, modifiedUtc);
    }

    public static string RandomText(int length)
    {
        var random = new Random(42);
        return new string(Enumerable.Range(0, length).Select(_ => (char)random.Next('a', 'z' + 1)).ToArray());
    }
}
