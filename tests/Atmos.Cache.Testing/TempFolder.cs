using System.Security.Cryptography;

namespace Atmos.Cache.Testing;

/// <summary>A fresh folder (under the system temp folder unless given a full path prefix), deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    /// <param name="prefix">A name prefix under the temp folder, or a full path prefix; a unique suffix is appended.</param>
    public TempFolder(string prefix = "atmos-tests")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>The path of <paramref name="name"/> inside this folder (nothing is created).</summary>
    public string File(string name) => Combine(name);

    /// <summary>Writes a text file (creating its folders) and returns its full path.</summary>
    public string WriteFile(string relativePath, string content)
    {
        var full = Combine(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, content);
        return full;
    }

    /// <summary>Writes <paramref name="size"/> pseudo-random bytes (seeded, so reruns match) in 1 MiB chunks.</summary>
    public string RandomFile(string name, long size, int seed) => WriteRandom(Combine(name), size, seed);

    /// <summary>Writes <paramref name="size"/> pseudo-random (incompressible) bytes to <paramref name="path"/>, creating its folders.</summary>
    public static string WriteRandom(string path, long size, int seed)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var random = new Random(seed);
        var chunk = new byte[1 << 20];
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        for (long written = 0; written < size; written += chunk.Length)
        {
            random.NextBytes(chunk);
            stream.Write(chunk, 0, (int)Math.Min(chunk.Length, size - written));
        }

        return path;
    }

    public static string Sha256(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A process still holding a file: leave it to the OS's temp cleanup.
        }
    }
}
