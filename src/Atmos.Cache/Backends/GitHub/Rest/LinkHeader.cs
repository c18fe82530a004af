namespace Atmos.Cache.Backends.GitHub.Rest;

/// <summary>Reads the <c>rel="next"</c> URL of a GitHub pagination <c>Link</c> header.</summary>
internal static class LinkHeader
{
    public static Uri? Next(IEnumerable<string> headerValues)
    {
        foreach (var link in headerValues.SelectMany(value => value.Split(',')))
        {
            var parts = link.Split(';');
            var target = parts[0].Trim();
            var isNext = parts.Skip(1).Any(parameter => parameter.Trim().Replace(" ", "", StringComparison.Ordinal) is "rel=\"next\"" or "rel=next");
            if (isNext && target.StartsWith('<') && target.EndsWith('>') && Uri.TryCreate(target[1..^1], UriKind.Absolute, out var url))
            {
                return url;
            }
        }

        return null;
    }
}
