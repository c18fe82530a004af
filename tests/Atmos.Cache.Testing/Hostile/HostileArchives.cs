using System.Text;
using Atmos.Cache.Archiving;

namespace Atmos.Cache.Testing.Hostile;

/// <summary>
/// Archives that are small on disk and huge in what they claim or imply: the cases a restore must
/// finish within bounded time and memory (refused, or restored when they are merely large).
/// Each starts with one ordinary file, so a refusal shows that nothing at all was restored.
/// </summary>
public static class HostileArchives
{
    public const string PaxGlobalHuge = "pax-global-huge";
    public const string PaxGlobalMany = "pax-global-many";
    public const string AfterEnd = "after-end";
    public const string DeepPath = "deep-path";
    public const string DeepPathPax = "deep-path-pax";
    public const string DeepFolders = "deep-folders";
    public const string DeepLink200K = "deep-link-200k";
    public const string DeepLink400K = "deep-link-400k";
    public const string LongNames = "long-names";

    public static IReadOnlyList<string> Cases { get; } =
        [PaxGlobalHuge, PaxGlobalMany, AfterEnd, DeepPath, DeepPathPax, DeepFolders, DeepLink200K, DeepLink400K, LongNames];

    /// <summary>Whether a correct restore refuses the case (the others are restored).</summary>
    public static bool IsRefused(string name) => name is not (AfterEnd or LongNames);

    /// <summary>
    /// Writes case <paramref name="name"/>. <paramref name="claimBytes"/>: what the huge cases
    /// claim (zstd stores 128 KiB of it in 4 bytes; gzip about 1 MiB in 1 KB).
    /// <paramref name="entries"/>: the file count of <see cref="LongNames"/>.
    /// </summary>
    public static void Write(string name, ArchiveCompression compression, Stream output, long claimBytes, int entries = 250_000)
    {
        using var sink = new CompressedSink(output, compression);
        var tar = new TarBlocks(sink);
        tar.Entry("ok.txt", '0', "fine"u8);
        switch (name)
        {
            case PaxGlobalHuge:
                // Three global headers that each declare a third of the claim, and hold it (as zeros).
                for (var i = 0; i < 3; i++)
                {
                    tar.Header("PaxHeaders/global", 'g', claimBytes / 3);
                    sink.WriteZeros(claimBytes / 3);
                }

                break;
            case PaxGlobalMany:
                // Global headers of 64 KiB each, each small enough alone, until the claim (at most 32,768 of them).
                for (var i = 0L; i < Math.Min(claimBytes / 65536, 32_768); i++)
                {
                    tar.Header("PaxHeaders/global", 'g', 65536);
                    sink.WriteZeros(65536);
                }

                break;
            case AfterEnd:
                tar.End();
                sink.WriteZeros(claimBytes);
                return;
            case DeepPath:
                tar.GnuLong('L', Deep("d", 50_000) + "/f");
                tar.Entry("deep", '0', "deep"u8);
                break;
            case DeepPathPax:
                tar.Pax('x', ("path", Deep("d", 50_000) + "/f"));
                tar.Entry("deep", '0', "deep"u8);
                break;
            case DeepFolders:
                // One folder entry per level, each one deeper: 5,000 levels (the names alone add up to 25 MB).
                var path = new StringBuilder();
                for (var i = 0; i < 5_000; i++)
                {
                    path.Append("d/");
                    tar.GnuLong('L', path.ToString());
                    tar.Header("folder", '5', 0, mode: 0x1ED);
                }

                break;
            case DeepLink200K:
                tar.GnuLong('K', Deep("a", 200_000));
                tar.Header("link", '2', 0);
                break;
            case DeepLink400K:
                tar.GnuLong('K', Deep("a", 400_000));
                tar.Header("link", '2', 0);
                break;
            case LongNames:
                WriteLongNames(tar, entries);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown hostile archive case.");
        }

        tar.End();
    }

    /// <summary>
    /// <paramref name="entries"/> small files with names of about 2,200 bytes: eight shared folders
    /// of 200-byte names, then one of 250 folders, then the file's own 200-byte name.
    /// </summary>
    private static void WriteLongNames(TarBlocks tar, int entries)
    {
        var prefix = string.Join('/', Enumerable.Range(0, 8).Select(static i => $"shared{i}-" + new string('s', 192)));
        var folder = "";
        for (var i = 0; i < entries; i++)
        {
            if (i % 1000 == 0)
            {
                folder = $"{prefix}/group{i / 1000:D4}-" + new string('g', 190);
                tar.GnuLong('L', folder + "/");
                tar.Header("folder", '5', 0, mode: 0x1ED);
            }

            tar.GnuLong('L', $"{folder}/file{i:D7}-" + new string('f', 188));
            tar.Entry("file", '0', Encoding.ASCII.GetBytes($"{i}\n"));
        }
    }

    private static string Deep(string component, int depth) => string.Join('/', Enumerable.Repeat(component, depth));
}
