using YamlDotNet.RepresentationModel;

namespace Atmos.Cache.Configuration;

/// <summary>
/// Finds likely typos in the sections of <c>atmos.yaml</c> this package reads: a key the section does
/// not know (with the nearest known key as the suggestion), and a key under <c>ci</c> within two edits
/// of <c>cache</c>, whose whole section would otherwise be ignored without a word.
/// </summary>
internal static class ConfigKeyCheck
{
    private const int MisspeltSectionEdits = 2;

    public static IReadOnlyList<ConfigurationWarning> Check(YamlMappingNode root, string path)
    {
        var warnings = new List<ConfigurationWarning>();
        CheckSectionName(root, path, warnings);
        foreach (var (section, known) in KnownConfigKeys.Sections)
        {
            foreach (var name in Find(root, section).SelectMany(Keys))
            {
                if (!known.Contains(name.Value!, StringComparer.OrdinalIgnoreCase))
                {
                    warnings.Add(Warning(path, name,
                        $"'{section}.{name.Value}' is not a setting this package knows{Suggestion(name.Value!, known)}; it is ignored."));
                }
            }
        }

        return warnings;
    }

    private static void CheckSectionName(YamlMappingNode root, string path, List<ConfigurationWarning> warnings)
    {
        var dot = KnownConfigKeys.CacheSection.LastIndexOf('.');
        var parent = KnownConfigKeys.CacheSection[..dot];
        var expected = KnownConfigKeys.CacheSection[(dot + 1)..];
        foreach (var name in Find(root, parent).SelectMany(Keys))
        {
            var distance = EditDistance.Between(name.Value!, expected);
            if (distance is > 0 and <= MisspeltSectionEdits)
            {
                warnings.Add(Warning(path, name,
                    $"'{parent}.{name.Value}' looks like a misspelling of '{KnownConfigKeys.CacheSection}' (did you mean '{expected}'?); the cache settings in it are ignored."));
            }
        }
    }

    /// <summary>The mappings at a dotted path (keys matched ignoring case; <c>name[]</c> steps into every item of a list).</summary>
    private static IEnumerable<YamlMappingNode> Find(YamlMappingNode root, string dottedPath)
    {
        IEnumerable<YamlNode> current = [root];
        foreach (var part in dottedPath.Split('.'))
        {
            var list = part.EndsWith("[]", StringComparison.Ordinal);
            var name = list ? part[..^2] : part;
            current = current
                .OfType<YamlMappingNode>()
                .SelectMany(mapping => mapping.Children
                    .Where(child => child.Key is YamlScalarNode scalar && string.Equals(scalar.Value, name, StringComparison.OrdinalIgnoreCase))
                    .Select(child => child.Value))
                .SelectMany(node => list ? (node as YamlSequenceNode)?.Children ?? [] : [node])
                .ToList();
        }

        return current.OfType<YamlMappingNode>();
    }

    private static IEnumerable<YamlScalarNode> Keys(YamlMappingNode mapping) =>
        mapping.Children.Keys.OfType<YamlScalarNode>().Where(static key => !string.IsNullOrEmpty(key.Value));

    /// <summary>" (did you mean 'x'?)" for the nearest known key when it is close, else the list of known keys.</summary>
    private static string Suggestion(string name, IReadOnlyList<string> known)
    {
        var nearest = known.MinBy(k => EditDistance.Between(name, k))!;
        var distance = EditDistance.Between(name, nearest);
        return distance <= Math.Max(2, name.Length / 3)
            ? $" (did you mean '{nearest}'?)"
            : $" (the known ones are {string.Join(", ", known.Select(k => $"'{k}'"))})";
    }

    private static ConfigurationWarning Warning(string path, YamlScalarNode name, string message) =>
        new(path, (int)name.Start.Line, (int)name.Start.Column, message);
}
