using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.Azure;

/// <summary>Where an entry lives in the container: one block blob per entry, <c>&lt;prefix&gt;&lt;version&gt;/&lt;key&gt;</c>.</summary>
internal sealed class AzureBlobLayout(string prefix)
{
    /// <summary>Azure's limit on a blob name's length.</summary>
    private const int MaxNameLength = 1024;

    public string Prefix { get; } = prefix;

    public string BlobName(string version, string key)
    {
        // "." and ".." path segments are folded away by URL handling, so the blob would be named otherwise.
        if (key.Split('/').Any(segment => segment is "." or "..") || key.EndsWith('.') || key.EndsWith('/'))
        {
            throw new CacheBackendException($"The cache key '{key}' has a '.' or '..' path segment or ends with '.' or '/', which Azure blob names cannot keep; change the key.");
        }

        var name = VersionPrefix(version) + key;
        return name.Length <= MaxNameLength
            ? name
            : throw new CacheBackendException($"The blob name for '{key}' is longer than Azure's {MaxNameLength} characters; use a shorter key or prefix.");
    }

    public string VersionPrefix(string version) => $"{Prefix}{version}/";

    /// <summary>The version of a blob prefix <c>&lt;prefix&gt;&lt;version&gt;/</c> from a delimited listing.</summary>
    public string? VersionOf(string blobPrefix) =>
        blobPrefix.StartsWith(Prefix, StringComparison.Ordinal) && blobPrefix.EndsWith('/')
            ? blobPrefix[Prefix.Length..^1]
            : null;
}
