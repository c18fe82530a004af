namespace Atmos.Cache.Backends.S3.Credentials;

/// <summary>
/// The AWS shared files: <c>~/.aws/credentials</c> (sections named after the profile) and
/// <c>~/.aws/config</c> (<c>[default]</c> and <c>[profile name]</c>). A profile's settings are the
/// config file's, overridden by the credentials file's, as the AWS CLI merges them.
/// </summary>
internal sealed class SharedConfigFiles
{
    private readonly Dictionary<string, Dictionary<string, string>> _credentials;
    private readonly Dictionary<string, Dictionary<string, string>> _config;

    private SharedConfigFiles(Dictionary<string, Dictionary<string, string>> credentials, Dictionary<string, Dictionary<string, string>> config)
    {
        _credentials = credentials;
        _config = config;
    }

    public static SharedConfigFiles Read(string credentialsPath, string configPath) =>
        new(IniFile.ReadIfExists(credentialsPath), IniFile.ReadIfExists(configPath));

    /// <summary>The merged settings of a profile, or null when neither file has it.</summary>
    public IReadOnlyDictionary<string, string>? Profile(string name)
    {
        var fromConfig = _config.GetValueOrDefault("profile " + name)
            ?? (name == "default" ? _config.GetValueOrDefault("default") : null);
        var fromCredentials = _credentials.GetValueOrDefault(name);
        if (fromConfig is null && fromCredentials is null)
        {
            return null;
        }

        var merged = new Dictionary<string, string>(fromConfig ?? [], StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in fromCredentials ?? [])
        {
            merged[key] = value;
        }

        return merged;
    }
}

/// <summary>The INI dialect of the AWS shared files: <c>[section]</c>, <c>key = value</c>, <c>#</c> and <c>;</c> comments.</summary>
internal static class IniFile
{
    public static Dictionary<string, Dictionary<string, string>> ReadIfExists(string path)
    {
        try
        {
            return File.Exists(path) ? Parse(File.ReadAllText(path)) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Reading is best effort, as for the AWS CLI; the message names the file, never its content.
            throw new Errors.CacheUnavailableException($"The AWS shared file '{path}' cannot be read: {e.GetType().Name}.");
        }
    }

    public static Dictionary<string, Dictionary<string, string>> Parse(string text)
    {
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[' && line.IndexOf(']', StringComparison.Ordinal) is > 0 and var end)
            {
                var name = string.Join(' ', line[1..end].Split(' ', StringSplitOptions.RemoveEmptyEntries));
                if (!sections.TryGetValue(name, out current))
                {
                    current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    sections[name] = current;
                }

                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (current is null || equals <= 0)
            {
                // Outside a section, or a nested (indented) sub-setting line: not something we read.
                continue;
            }

            current[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }

        return sections;
    }
}
