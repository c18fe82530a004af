namespace Atmos.Cache.Testing;

/// <summary>Cache roots made for tests.</summary>
public static class SampleRoots
{
    /// <summary>The small file a <see cref="Large"/> root's archive holds first.</summary>
    public const string FirstFile = "a-first.txt";

    /// <summary>
    /// A small file first in the archive, then one big file of random (incompressible) content, an
    /// empty folder and a few notes; the content depends only on <paramref name="name"/> and the size.
    /// </summary>
    public static string Large(TempFolder temp, string name, long bytes)
    {
        var root = temp.Combine(name);
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, FirstFile), $"{name}: archived first\n");
        TempFolder.WriteRandom(Path.Combine(root, "big.bin"), bytes, seed: name.Length);
        Directory.CreateDirectory(Path.Combine(root, "notes", "empty"));
        for (var i = 0; i < 3; i++)
        {
            File.WriteAllText(Path.Combine(root, "notes", $"note-{i}.txt"), $"{name} {i}\n");
        }

        return root;
    }
}
