using System.Text;

namespace Atmos.Cache.Bench;

/// <summary>
/// Corpus B: many small text files (1–8 KB) in a tree <c>pkgN/modN/srcN/fileNNNNN.txt</c> with 20
/// files per leaf folder. Contents are byte ranges cut from real text files under a source folder
/// (the .NET folder), so they compress like source code and configuration do.
/// </summary>
internal static class SmallFileCorpus
{
    private const int FilesPerFolder = 20;
    private const int Fanout = 10;
    private const int MinSize = 1024;
    private const int MaxSize = 8192;
    private const int PoolBytes = 32 << 20;
    private static readonly string[] TextExtensions = [".xml", ".json", ".props", ".targets", ".txt", ".md", ".cs", ".xsd", ".resx", ".sh", ".ps1", ".config", ".editorconfig"];

    public static void Create(string folder, int count, string sourceFolder, int seed)
    {
        if (Directory.Exists(folder))
        {
            throw new InvalidOperationException($"'{folder}' already exists; the corpus is only written into a new folder.");
        }

        var pool = TextPool(sourceFolder);
        var random = new Random(seed);
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            var leaf = i / FilesPerFolder;
            var path = Path.Combine(folder, $"pkg{leaf / (Fanout * Fanout)}", $"mod{leaf / Fanout % Fanout}", $"src{leaf % Fanout}", $"file{i:D5}.txt");
            if (i % FilesPerFolder == 0)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            }

            var size = random.Next(MinSize, MaxSize + 1);
            var start = random.Next(0, pool.Length - size);
            using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0))
            {
                file.Write(pool, start, size);
            }

            bytes += size;
        }

        Console.WriteLine($"wrote {count} files, {bytes} bytes under {folder}");
    }

    /// <summary>Up to 32 MB of text files from the source folder, concatenated in a stable order.</summary>
    private static byte[] TextPool(string sourceFolder)
    {
        var pool = new MemoryStream();
        var files = Directory.EnumerateFiles(sourceFolder, "*", SearchOption.AllDirectories)
            .Where(f => TextExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            if (info.LinkTarget is not null || info.Length == 0)
            {
                continue;
            }

            var content = File.ReadAllBytes(file);
            pool.Write(content, 0, (int)Math.Min(content.Length, PoolBytes - pool.Length));
            if (pool.Length >= PoolBytes)
            {
                break;
            }
        }

        if (pool.Length < MaxSize * 4)
        {
            // No text files found: fall back to generated text so the corpus can still be built.
            var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 200_000).Select(i => $"line {i} of generated text\n")));
            pool.Write(text);
        }

        return pool.ToArray();
    }
}
