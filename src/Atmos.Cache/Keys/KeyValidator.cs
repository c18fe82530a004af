using Atmos.Cache.Errors;

namespace Atmos.Cache.Keys;

/// <summary>The limits the GitHub cache service puts on keys, checked before any request.</summary>
internal static class KeyValidator
{
    public const int MaxKeyLength = 512;
    public const int MaxKeys = 10;

    /// <summary>Throws <see cref="CacheConfigurationException"/> when the key or a restore key is not acceptable.</summary>
    public static void Validate(string key, IReadOnlyList<string> restoreKeys)
    {
        ValidateOne(key, "cache key", "AtmosCacheKey (or ci.cache.key)");
        foreach (var restoreKey in restoreKeys)
        {
            ValidateOne(restoreKey, "restore key", "AtmosCacheRestoreKeys (or ci.cache.restore_keys)");
        }

        if (1 + restoreKeys.Count > MaxKeys)
        {
            throw new CacheConfigurationException(
                $"Too many cache keys: the key plus {restoreKeys.Count} restore keys is more than {MaxKeys}. Remove some restore keys (AtmosCacheRestoreKeys).");
        }
    }

    private static void ValidateOne(string key, string what, string setting)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new CacheConfigurationException($"The {what} is empty. Set {setting} to a template that renders to text.");
        }

        if (key.Length > MaxKeyLength)
        {
            throw new CacheConfigurationException(
                $"The {what} '{key[..40]}...' is {key.Length} characters long; the limit is {MaxKeyLength}. Shorten the template ({setting}).");
        }

        if (key.Contains(','))
        {
            throw new CacheConfigurationException($"The {what} '{key}' contains a comma, which the cache service does not allow. Remove it from the template ({setting}).");
        }
    }
}
