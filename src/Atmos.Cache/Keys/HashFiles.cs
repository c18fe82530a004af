using System.Security.Cryptography;
using System.Text;
using Atmos.Cache.Errors;
using Atmos.Cache.Keys.Globbing;

namespace Atmos.Cache.Keys;

/// <summary>
/// The <c>hashFiles</c> template function, computed as Atmos computes it: every pattern (joined with the
/// working folder unless absolute) is expanded by <see cref="FileGlob"/>, all matches of all patterns are
/// collected (a path matched twice is hashed twice), sorted by UTF-8 byte order, and each readable file
/// contributes its base name and then its bytes to one SHA-256. Folders and unreadable paths are skipped.
/// </summary>
internal static class HashFiles
{
    internal const string NoFiles = "no-files";
    internal const int HashLength = 16;

    /// <summary>The hash of the files <paramref name="patterns"/> match under <paramref name="workingDirectory"/>, or <c>no-files</c>.</summary>
    /// <param name="workingDirectory">The folder relative patterns are joined with.</param>
    /// <param name="patterns">The patterns, in template order.</param>
    /// <param name="recursiveDoubleStar">Whether <c>**</c> matches any number of folders.</param>
    /// <param name="unmatched">Receives each pattern that matches no path (a typo would otherwise give a constant key).</param>
    internal static string Compute(string workingDirectory, IReadOnlyList<string> patterns, bool recursiveDoubleStar = false, ICollection<string>? unmatched = null)
    {
        var matched = new List<string>();
        foreach (var pattern in patterns)
        {
            var full = GoPath.IsAbs(pattern) ? pattern : GoPath.Join(workingDirectory, pattern);
            var before = matched.Count;
            matched.AddRange(FileGlob.Expand(full, recursiveDoubleStar));
            if (matched.Count == before)
            {
                unmatched?.Add(pattern);
            }
        }

        if (matched.Count == 0)
        {
            return NoFiles;
        }

        matched.Sort(Utf8OrdinalComparer.Instance);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var hashedAny = false;
        foreach (var path in matched)
        {
            hashedAny |= TryAppend(hash, path);
        }

        return hashedAny ? ToHex(hash.GetHashAndReset())[..HashLength] : NoFiles;
    }

    internal static string ToHex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    private static bool TryAppend(IncrementalHash hash, string path)
    {
        FileStream stream;
        try
        {
            // Opening a folder fails here, which is how folders are skipped (Go's ReadFile fails on them too).
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        using (stream)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(GoPath.Base(path)));
            var buffer = new byte[81920];
            try
            {
                int read;
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                }
            }
            catch (IOException e)
            {
                throw new CacheConfigurationException($"hashFiles could not read '{path}': {e.Message}", e);
            }
        }

        return true;
    }
}
