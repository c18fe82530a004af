namespace Atmos.Cache.Configuration;

/// <summary>
/// A cache the user declares beside the Atmos and NuGet ones: an <c>AtmosCache</c> item in MSBuild
/// (<c>&lt;AtmosCache Include="playwright" Root="..." Key="..." /&gt;</c>) or an entry of
/// <c>ci.cache.caches</c> in <c>atmos.yaml</c>. Raw strings, resolved with the other caches.
/// </summary>
public sealed record UserCacheSettings
{
    public required string Name { get; init; }
    /// <summary>The folder archived; relative to the build's base folder.</summary>
    public string? Root { get; init; }
    /// <summary>The key template (required).</summary>
    public string? Key { get; init; }
    /// <summary>Restore-key templates separated by <c>;</c>.</summary>
    public string? RestoreKeys { get; init; }
    /// <summary>Root-relative include paths separated by <c>;</c>.</summary>
    public string? Paths { get; init; }
    /// <summary>Where the declaration came from, for messages.</summary>
    public string Source { get; init; } = "an AtmosCache item";
}
