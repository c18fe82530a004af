namespace Atmos.Cache.Configuration;

/// <summary>
/// What every cache of one build resolves from: the explicit settings, the environment, the located
/// <c>atmos.yaml</c> and the base folder. Located once, so the Atmos cache, the NuGet cache and the user
/// caches read one file and agree on one base folder.
/// </summary>
internal sealed record ConfigContext
{
    public required CacheSettings Settings { get; init; }
    public required IEnvironment Environment { get; init; }
    public required AtmosYamlSettings Yaml { get; init; }
    public required string WorkingDirectory { get; init; }
    public required string BaseDirectory { get; init; }
    public required ConfigLayers Layers { get; init; }

    public static ConfigContext Create(CacheSettings settings, IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(environment);

        var workingDirectory = string.IsNullOrWhiteSpace(settings.WorkingDirectory)
            ? Directory.GetCurrentDirectory()
            : Path.GetFullPath(settings.WorkingDirectory.Trim());
        var yamlPath = AtmosYamlLocator.Locate(settings.ConfigFile, environment, workingDirectory);
        var yaml = yamlPath is null ? AtmosYamlSettings.None : AtmosYamlReader.Read(yamlPath);
        return new ConfigContext
        {
            Settings = settings,
            Environment = environment,
            Yaml = yaml,
            WorkingDirectory = workingDirectory,
            BaseDirectory = BaseDirectoryResolver.Resolve(settings, environment, workingDirectory, yamlPath),
            Layers = new ConfigLayers(settings, environment, yaml),
        };
    }
}
