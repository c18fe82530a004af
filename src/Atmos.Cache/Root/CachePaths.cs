namespace Atmos.Cache.Root;

/// <summary>Well-known folders inside a cache root.</summary>
internal static class CachePaths
{
    /// <summary>The state folder: holds the state marker, the lock and temporary files; never archived.</summary>
    public const string StateFolder = ".atmos-cache";

    /// <summary>
    /// The scratch folder inside the state folder, where restores and saves keep downloads, archives
    /// and staging trees while they hold the root lock (so anything found there without the lock is stale).
    /// </summary>
    public const string ScratchFolder = "tmp";

    /// <summary>The scratch folder of a root.</summary>
    public static string ScratchPath(string root) => Path.Combine(root, StateFolder, ScratchFolder);

    /// <summary>Credential folders that are never archived nor extracted.</summary>
    public static readonly IReadOnlyList<string> AuthFolders = ["aws-sso", "azure-device-code", "aws-webflow", "auth"];
}
