namespace Atmos.Cache.Configuration;

/// <summary>The three configured layers, consulted in precedence order.</summary>
internal sealed class ConfigLayers(CacheSettings settings, IEnvironment environment, AtmosYamlSettings yaml)
{
    internal ConfigValue? Pick(
        Func<CacheSettings, string?> property, string propertyName,
        string variableSuffix,
        Func<AtmosYamlSettings, string?> yamlValue, string yamlKey) =>
        ConfigValue.First(
            ConfigValue.FromProperty(property(settings), propertyName),
            ConfigValue.FromEnvironment(environment, ConfigResolver.EnvironmentPrefix + variableSuffix),
            ConfigValue.FromYaml(yamlValue(yaml), "ci.cache." + yamlKey, yaml.FilePath));

    /// <summary>The first layer with at least one non-empty entry, with its source.</summary>
    internal (IReadOnlyList<string> Values, string Source)? PickList(
        Func<CacheSettings, IReadOnlyList<string>> property, string propertyName,
        string variableSuffix, Func<string, IReadOnlyList<string>> splitVariable,
        Func<AtmosYamlSettings, IReadOnlyList<string>?> yamlValue, string yamlKey)
    {
        var fromProperty = property(settings);
        if (fromProperty.Count > 0)
        {
            return (fromProperty, $"the MSBuild property {propertyName}");
        }

        var variable = ConfigResolver.EnvironmentPrefix + variableSuffix;
        var fromEnvironment = splitVariable(environment.Get(variable) ?? string.Empty);
        if (fromEnvironment.Count > 0)
        {
            return (fromEnvironment, $"the environment variable {variable}");
        }

        var fromYaml = yamlValue(yaml)?.Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
        return fromYaml is { Count: > 0 } ? (fromYaml, $"ci.cache.{yamlKey} in '{yaml.FilePath}'") : null;
    }
}
