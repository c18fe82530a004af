using Atmos.Cache.Errors;
using Atmos.Cache.Keys.Templates;

namespace Atmos.Cache.Keys;

/// <summary>
/// Renders cache-key templates as the Atmos CLI does: Go's <c>text/template</c> with every builtin,
/// <c>missingkey=error</c>, the data <c>.OS</c> and <c>.Arch</c>, the function <c>hashFiles</c>, and the
/// result trimmed of white space.
/// </summary>
internal static class KeyTemplate
{
    private const string TemplateName = "cache-key";

    /// <summary>
    /// Renders <paramref name="template"/>, resolving <c>hashFiles</c> patterns against <paramref name="baseDirectory"/>
    /// with Go's <c>filepath.Glob</c> (<c>**</c> matches like <c>*</c>), as the Atmos CLI does.
    /// Throws <see cref="CacheConfigurationException"/> naming the template and the position when it cannot be rendered.
    /// </summary>
    public static string Render(string template, string baseDirectory) => Render(template, baseDirectory, recursiveDoubleStar: false);

    /// <summary>
    /// Renders <paramref name="template"/>; with <paramref name="recursiveDoubleStar"/> a <c>**</c> pattern element
    /// in <c>hashFiles</c> matches any number of folders (only for inputs the Atmos CLI never reads).
    /// </summary>
    public static string Render(string template, string baseDirectory, bool recursiveDoubleStar) => Render(template, baseDirectory, recursiveDoubleStar, null);

    /// <summary>As <see cref="Render(string, string, bool)"/>; <paramref name="unmatchedPatterns"/> receives each <c>hashFiles</c> pattern that matches no path.</summary>
    public static string Render(string template, string baseDirectory, bool recursiveDoubleStar, ICollection<string>? unmatchedPatterns)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentException.ThrowIfNullOrEmpty(baseDirectory);

        var fullBase = Path.GetFullPath(baseDirectory);
        string rendered;
        try
        {
            var parsed = GoTemplate.Parse(TemplateName, template, [HashFilesFunction(fullBase, recursiveDoubleStar, unmatchedPatterns)]);
            rendered = parsed.Execute(KeyData);
        }
        catch (TemplateException e)
        {
            var (line, column) = LineAndColumn(template, e.Position);
            throw new CacheConfigurationException(
                $"The cache key template \"{template}\" cannot be rendered: {e.Message} (line {line}, column {column}). Templates are Go text/template, as the Atmos CLI renders them.");
        }

        // Atmos trims the rendered key (strings.TrimSpace).
        var key = rendered.Trim();
        if (key.Length == 0)
        {
            throw new CacheConfigurationException(
                $"The cache key template \"{template}\" renders to an empty key. Give it some literal text, e.g. \"my-cache-{{{{.OS}}}}-{{{{.Arch}}}}\".");
        }

        return key;
    }

    private static readonly GoMap KeyData = new(new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["OS"] = GoPlatform.Os,
        ["Arch"] = GoPlatform.Arch,
    });

    private static TemplateFunction HashFilesFunction(string baseDirectory, bool recursiveDoubleStar, ICollection<string>? unmatched) =>
        new("hashFiles", [ParameterKind.String], Variadic: true,
            args => HashFiles.Compute(baseDirectory, args.Cast<string>().ToList(), recursiveDoubleStar, unmatched));

    private static (int Line, int Column) LineAndColumn(string text, int offset)
    {
        offset = Math.Clamp(offset, 0, text.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, offset - lineStart + 1);
    }
}
