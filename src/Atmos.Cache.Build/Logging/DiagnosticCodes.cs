namespace Atmos.Cache.Build.Logging;

/// <summary>
/// The codes of every warning and error the package reports, so a team can suppress one with
/// <c>NoWarn</c> or <c>MSBuildWarningsAsMessages</c> or promote it with <c>WarningsAsErrors</c>.
/// </summary>
public static class DiagnosticCodes
{
    /// <summary>A restore failed (backend, archive, network or disk).</summary>
    public const string RestoreFailed = "ATMOSCACHE001";

    /// <summary>A save failed.</summary>
    public const string SaveFailed = "ATMOSCACHE002";

    /// <summary>Listing or deleting entries failed.</summary>
    public const string AdminFailed = "ATMOSCACHE003";

    /// <summary>Printing or writing the cache paths failed.</summary>
    public const string PathsFailed = "ATMOSCACHE004";

    /// <summary>The engine warned while working (e.g. a failed restore it could not fully undo, a temporary folder it could not delete).</summary>
    public const string EngineWarning = "ATMOSCACHE005";

    /// <summary>The step outputs could not be written to <c>$GITHUB_OUTPUT</c>.</summary>
    public const string GitHubOutputFailed = "ATMOSCACHE006";

    /// <summary>A restore-key template could not be rendered, so it was left out (as the Atmos CLI does).</summary>
    public const string RestoreKeySkipped = "ATMOSCACHE009";

    /// <summary>
    /// A restored entry is damaged (truncated, unreadable, a digest or trailer that does not match): refused, the
    /// root unchanged, the entry removed where the backend can so this build's save writes it again.
    /// </summary>
    public const string EntryCorrupt = "ATMOSCACHE007";

    /// <summary>With a signing key, a matched entry was unsigned or wrongly signed: a miss for that key.</summary>
    public const string EntryUntrusted = "ATMOSCACHE008";

    /// <summary><c>AtmosCacheFailOnMiss</c>: neither the key nor any restore key matched (an error).</summary>
    public const string RequiredCacheMissing = "ATMOSCACHE011";

    /// <summary>A key in a section of <c>atmos.yaml</c> this package reads is unknown (a likely typo): ignored, with the nearest known key.</summary>
    public const string UnknownConfigurationKey = "ATMOSCACHE012";

    /// <summary>The configuration is wrong: a bad template, key, mode, backend or format.</summary>
    public const string ConfigurationError = "ATMOSCACHE010";
}
