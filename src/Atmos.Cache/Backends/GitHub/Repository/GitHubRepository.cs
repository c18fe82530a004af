namespace Atmos.Cache.Backends.GitHub.Repository;

/// <summary>A GitHub repository, as <c>owner/name</c>.</summary>
internal sealed record GitHubRepository(string Owner, string Name)
{
    /// <summary>Parses <c>owner/name</c> (as in <c>GITHUB_REPOSITORY</c>); null when it is not of that form.</summary>
    public static GitHubRepository? Parse(string? ownerAndName)
    {
        var parts = (ownerAndName ?? "").Trim().Split('/');
        return parts.Length == 2 && IsName(parts[0]) && IsName(parts[1]) ? new GitHubRepository(parts[0], parts[1]) : null;
    }

    /// <summary>Owner and repository names hold letters, digits, '-', '_' and '.'.</summary>
    public static bool IsName(string value) =>
        value.Length > 0 && value != "." && value != ".." && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public override string ToString() => $"{Owner}/{Name}";
}
