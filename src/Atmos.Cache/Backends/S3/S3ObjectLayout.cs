using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.S3;

/// <summary>Where an entry lives in the bucket: one object per entry, <c>&lt;prefix&gt;&lt;version&gt;/&lt;key&gt;</c>.</summary>
internal sealed class S3ObjectLayout(string prefix)
{
    public string Prefix { get; } = prefix;

    public string ObjectKey(string version, string key)
    {
        // "." and ".." path segments would be folded away by some HTTP stacks and servers.
        if (key.Split('/').Any(segment => segment is "." or ".."))
        {
            throw new CacheBackendException($"The cache key '{key}' has a '.' or '..' path segment, which S3 object names cannot keep reliably; change the key.");
        }

        return VersionPrefix(version) + key;
    }

    public string VersionPrefix(string version) => $"{Prefix}{version}/";

    /// <summary>The version of a common prefix <c>&lt;prefix&gt;&lt;version&gt;/</c> from a delimited listing.</summary>
    public string? VersionOf(string commonPrefix) =>
        commonPrefix.StartsWith(Prefix, StringComparison.Ordinal) && commonPrefix.EndsWith('/')
            ? commonPrefix[Prefix.Length..^1]
            : null;
}
