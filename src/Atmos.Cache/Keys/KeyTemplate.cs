using System.Text;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Keys;

/// <summary>Renders cache-key templates written in the Go template subset Atmos users write.</summary>
public static class KeyTemplate
{
    /// <summary>
    /// Renders <paramref name="template"/> (<c>{{.OS}}</c>, <c>{{.Arch}}</c>, <c>{{ hashFiles "a" "b/*.lock" }}</c>),
    /// resolving file patterns against <paramref name="workingDirectory"/>. The result is trimmed.
    /// Throws <see cref="Errors.CacheConfigurationException"/> naming the template when it cannot be rendered.
    /// </summary>
    public static string Render(string template, string workingDirectory) => Render(template, workingDirectory, null);

    /// <summary>As <see cref="Render(string, string)"/>; <paramref name="unmatchedPatterns"/> receives each <c>hashFiles</c> pattern that matches no path.</summary>
    public static string Render(string template, string workingDirectory, ICollection<string>? unmatchedPatterns)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentException.ThrowIfNullOrEmpty(workingDirectory);

        var parts = KeyTemplateParser.Parse(template);
        var baseDirectory = Path.GetFullPath(workingDirectory);
        var output = new StringBuilder();
        foreach (var part in parts)
        {
            output.Append(part switch
            {
                TemplatePart.Text text => text.Value,
                TemplatePart.Field { Name: TemplateField.Os } => GoPlatform.Os,
                TemplatePart.Field { Name: TemplateField.Arch } => GoPlatform.Arch,
                TemplatePart.HashFiles call => HashFiles.Compute(baseDirectory, call.Patterns, unmatchedPatterns),
                _ => throw new InvalidOperationException($"Unhandled template part {part}."),
            });
        }

        // Atmos trims the rendered key (strings.TrimSpace).
        var key = output.ToString().Trim();
        if (key.Length == 0)
        {
            throw new CacheConfigurationException(
                $"The cache key template \"{template}\" renders to an empty key. Give it some literal text, e.g. \"my-cache-{{{{.OS}}}}-{{{{.Arch}}}}\".");
        }

        return key;
    }
}
