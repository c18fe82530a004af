using Atmos.Cache.Configuration;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Support;

/// <summary>Resolved configurations for tests that exercise the manager and backends directly.</summary>
public static class TestConfigs
{
    public static CacheConfig For(TempFolder temp, string key = "atmos-cache-test-key", params string[] restoreKeys) => new()
    {
        Root = temp.Combine("root"),
        Key = key,
        RestoreKeys = restoreKeys,
        LocalDirectory = temp.Combine("store"),
        WorkingDirectory = temp.Path,
        Backend = BackendNames.Local,
    };
}
