namespace Atmos.Cache.Backends.GitHub.Repository;

/// <summary>
/// Reads the owner and repository out of a git remote URL in any of the forms git accepts for
/// GitHub: <c>https://host/owner/repo(.git)</c>, <c>ssh://git@host[:port]/owner/repo.git</c>,
/// <c>git://host/owner/repo.git</c> and the scp-like <c>git@host:owner/repo.git</c>.
/// </summary>
internal static class GitRemoteUrl
{
    /// <summary>The host and repository of the remote, or null when it is not of a known form.</summary>
    public static (string Host, GitHubRepository Repository)? Parse(string? remote)
    {
        var text = (remote ?? "").Trim();
        if (text.Length == 0)
        {
            return null;
        }

        string host;
        string path;
        if (text.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http" or "ssh" or "git"))
            {
                return null;
            }

            host = uri.Host;
            path = Uri.UnescapeDataString(uri.AbsolutePath);
        }
        else
        {
            // scp-like: [user@]host:path. A colon before any slash tells it from a local path.
            var colon = text.IndexOf(':');
            var slash = text.IndexOf('/');
            if (colon <= 0 || (slash >= 0 && slash < colon))
            {
                return null;
            }

            host = text[..colon];
            var at = host.LastIndexOf('@');
            host = at >= 0 ? host[(at + 1)..] : host;
            path = text[(colon + 1)..];
        }

        var segments = path.Trim('/').Split('/');
        if (segments.Length != 2 || host.Length == 0)
        {
            return null;
        }

        var name = segments[1].EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? segments[1][..^4] : segments[1];
        return GitHubRepository.IsName(segments[0]) && GitHubRepository.IsName(name)
            ? (host, new GitHubRepository(segments[0], name))
            : null;
    }
}
