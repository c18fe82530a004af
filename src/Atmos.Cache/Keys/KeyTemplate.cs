namespace Atmos.Cache.Keys;

/// <summary>Renders cache-key templates written in the Go template subset Atmos users write.</summary>
public static class KeyTemplate
{
    /// <summary>
    /// Renders <paramref name="template"/> (<c>{{.OS}}</c>, <c>{{.Arch}}</c>, <c>{{ hashFiles "a" "b/*.lock" }}</c>),
    /// resolving file patterns against <paramref name="workingDirectory"/>. The result is trimmed.
    /// Throws <see cref="Errors.CacheConfigurationException"/> naming the template when it cannot be rendered.
    /// </summary>
    public static string Render(string template, string workingDirectory) => throw new NotImplementedException();
}
