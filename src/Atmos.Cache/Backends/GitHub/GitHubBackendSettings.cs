using Atmos.Cache.Backends.GitHub.Repository;
using Atmos.Cache.Configuration;

namespace Atmos.Cache.Backends.GitHub;

/// <summary>Everything the GitHub Actions backend needs: service addresses, credentials and tuning.</summary>
public sealed record GitHubBackendSettings
{
    /// <summary><c>ACTIONS_RESULTS_URL</c>: base of the cache service (save and restore).</summary>
    public string? ResultsUrl { get; init; }

    /// <summary><c>ACTIONS_RUNTIME_TOKEN</c>: bearer token of the cache service.</summary>
    public string? RuntimeToken { get; init; }

    /// <summary><c>GITHUB_API_URL</c>: base of the REST API (list and delete).</summary>
    public string ApiUrl { get; init; } = GitHubEnvironment.DefaultApiUrl;

    /// <summary>The REST token (list and delete).</summary>
    public string? RestToken { get; init; }

    /// <summary>The repository whose caches list and delete work on.</summary>
    public string? Owner { get; init; }

    public string? Repo { get; init; }

    public TransferSettings Transfer { get; init; } = new();

    public RetrySettings Retry { get; init; } = new();

    /// <summary>
    /// Reads the settings from the environment. Owner and repo come from <c>GITHUB_REPOSITORY</c>,
    /// else the <c>origin</c> remote of the git clone holding <paramref name="workingDirectory"/>.
    /// </summary>
    public static GitHubBackendSettings FromEnvironment(IEnvironment environment, string? workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var repository = RepositoryResolver.Resolve(environment, workingDirectory);
        return new GitHubBackendSettings
        {
            ResultsUrl = NonEmpty(environment.Get(GitHubEnvironment.ResultsUrl)),
            RuntimeToken = NonEmpty(environment.Get(GitHubEnvironment.RuntimeToken)),
            ApiUrl = NonEmpty(environment.Get(GitHubEnvironment.ApiUrl)) ?? GitHubEnvironment.DefaultApiUrl,
            RestToken = GitHubEnvironment.RestTokenVariables.Select(name => NonEmpty(environment.Get(name))).FirstOrDefault(token => token is not null),
            Owner = repository?.Owner,
            Repo = repository?.Name,
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
