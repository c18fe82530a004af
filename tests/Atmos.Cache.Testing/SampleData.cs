namespace Atmos.Cache.Testing;

/// <summary>Seeded test bytes and stream reading shared by the compression and streaming tests.</summary>
public static class SampleData
{
    /// <summary>
    /// Half random, half text-like (words, some stray characters), so compressors meet both raw and
    /// compressible blocks; the same <paramref name="seed"/> gives the same bytes.
    /// </summary>
    public static byte[] Bytes(int length, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        var half = length / 2;
        random.NextBytes(bytes.AsSpan(0, half));
        var words = new[] { "cache ", "archive ", "restore ", "build\n", "zstd ", "gzip ", "0x1f8b ", "tar " };
        for (var i = half; i < length;)
        {
            var word = random.Next(10) == 0 ? ((char)random.Next(33, 127)).ToString() : words[random.Next(words.Length)];
            for (var j = 0; j < word.Length && i < length; j++, i++)
            {
                bytes[i] = (byte)word[j];
            }
        }

        return bytes;
    }

    /// <summary>Reads <paramref name="stream"/> to its end, alternating small and large reads (a stream's buffered and direct paths).</summary>
    public static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        var small = new byte[3000];
        var large = new byte[1 << 20];
        for (var i = 0; ; i++)
        {
            var buffer = i % 2 == 0 ? small : large;
            var n = stream.Read(buffer, 0, buffer.Length);
            if (n == 0)
            {
                return copy.ToArray();
            }

            copy.Write(buffer, 0, n);
        }
    }
}
