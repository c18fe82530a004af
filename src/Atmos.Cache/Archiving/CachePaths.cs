namespace Atmos.Cache.Archiving;

/// <summary>Well-known folders inside a cache root.</summary>
public static class CachePaths
{
    /// <summary>The state folder: holds the state marker, the lock and temporary files; never archived.</summary>
    public const string StateFolder = ".atmos-cache";

    /// <summary>Credential folders that are never archived nor extracted.</summary>
    public static readonly IReadOnlyList<string> AuthFolders = ["aws-sso", "azure-device-code", "aws-webflow", "auth"];
}
