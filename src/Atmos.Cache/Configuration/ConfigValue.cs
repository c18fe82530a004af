namespace Atmos.Cache.Configuration;

/// <summary>A raw configuration value and where it came from, so errors can say what to change.</summary>
internal readonly record struct ConfigValue(string Value, string Source)
{
    /// <summary>How <see cref="Source"/> starts for a value from an MSBuild property.</summary>
    internal const string PropertySourcePrefix = "the MSBuild property ";

    internal static ConfigValue? FromProperty(string? value, string property) =>
        IsSet(value) ? new ConfigValue(value!.Trim(), PropertySourcePrefix + property) : null;

    internal static ConfigValue? FromEnvironment(IEnvironment environment, string variable)
    {
        var value = environment.Get(variable);
        return IsSet(value) ? new ConfigValue(value!.Trim(), $"the environment variable {variable}") : null;
    }

    internal static ConfigValue? FromYaml(string? value, string key, string? file) =>
        IsSet(value) ? new ConfigValue(value!.Trim(), $"{key} in '{file}'") : null;

    /// <summary>The first value that is set, in precedence order.</summary>
    internal static ConfigValue? First(params ConfigValue?[] layers) => layers.FirstOrDefault(l => l is not null);

    private static bool IsSet(string? value) => !string.IsNullOrWhiteSpace(value);
}
