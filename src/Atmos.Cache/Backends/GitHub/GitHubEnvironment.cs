namespace Atmos.Cache.Backends.GitHub;

/// <summary>The environment variables the GitHub Actions backend reads, and the messages that name them.</summary>
internal static class GitHubEnvironment
{
    public const string RuntimeToken = "ACTIONS_RUNTIME_TOKEN";
    public const string ResultsUrl = "ACTIONS_RESULTS_URL";
    public const string ApiUrl = "GITHUB_API_URL";
    public const string ServerUrl = "GITHUB_SERVER_URL";
    public const string Repository = "GITHUB_REPOSITORY";
    public const string ProToken = "ATMOS_PRO_GITHUB_TOKEN";
    public const string AtmosToken = "ATMOS_GITHUB_TOKEN";
    public const string Token = "GITHUB_TOKEN";

    public const string DefaultApiUrl = "https://api.github.com";

    /// <summary>The README section that shows how to pass the runtime variables to a build step.</summary>
    public const string RuntimeTokenReadmeSection = "Surfacing the runtime token";

    /// <summary>The REST token variables, in the order they are tried.</summary>
    public static IReadOnlyList<string> RestTokenVariables { get; } = [ProToken, AtmosToken, Token];

    internal static string MissingRuntimeMessage =>
        $"Saving and restoring the GitHub Actions cache needs {RuntimeToken} and {ResultsUrl}, which GitHub gives to actions " +
        $"but not to 'run:' steps. Pass both to the build step's environment as shown in the README section " +
        $"\"{RuntimeTokenReadmeSection}\", or set AtmosCacheBackend=local or none.";

    internal static string MissingRestTokenMessage =>
        $"Listing and deleting GitHub Actions caches needs a GitHub token with the 'actions: write' permission: " +
        $"set {ProToken}, {AtmosToken} or {Token} (in a workflow: env: {Token}: ${{{{ github.token }}}}).";

    internal static string MissingRepositoryMessage =>
        $"Cannot tell which GitHub repository's caches to use: set {Repository}=owner/repo, or run inside a clone whose " +
        "'origin' remote points to GitHub.";
}
