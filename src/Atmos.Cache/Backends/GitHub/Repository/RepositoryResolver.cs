using Atmos.Cache.Configuration;

namespace Atmos.Cache.Backends.GitHub.Repository;

/// <summary>Works out which repository's caches the REST admin calls address.</summary>
internal static class RepositoryResolver
{
    /// <summary>
    /// <c>GITHUB_REPOSITORY</c>, else the <c>origin</c>
    /// remote of the clone holding <paramref name="workingDirectory"/> when it is hosted on
    /// github.com or on the server named by <c>GITHUB_SERVER_URL</c>; null when none applies.
    /// </summary>
    public static GitHubRepository? Resolve(IEnvironment environment, string? workingDirectory)
    {
        if (GitHubRepository.Parse(environment.Get(GitHubEnvironment.Repository)) is { } fromEnvironment)
        {
            return fromEnvironment;
        }

        return string.IsNullOrWhiteSpace(workingDirectory) ? null : FromGitRemote(workingDirectory, environment.Get(GitHubEnvironment.ServerUrl));
    }

    private static GitHubRepository? FromGitRemote(string workingDirectory, string? serverUrl)
    {
        string? url;
        try
        {
            url = GitConfigReader.FindRemoteUrl(workingDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (GitRemoteUrl.Parse(url) is not { } remote)
        {
            return null;
        }

        var serverHost = Uri.TryCreate(serverUrl, UriKind.Absolute, out var server) ? server.Host : null;
        var onGitHub = remote.Host.Equals("github.com", StringComparison.OrdinalIgnoreCase)
            || (serverHost is not null && remote.Host.Equals(serverHost, StringComparison.OrdinalIgnoreCase));
        return onGitHub ? remote.Repository : null;
    }
}
