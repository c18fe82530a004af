using System.Text.Json;

namespace Atmos.Cache.Caches.NuGet;

/// <summary>
/// The packages one NuGet restore used, read from a project's <c>project.assets.json</c>: every library of
/// type <c>package</c> (by its folder, <c>id/version</c> in lower case) and every download dependency
/// (runtime and targeting packs fetched for the project's frameworks).
/// </summary>
internal static class NuGetAssets
{
    /// <summary>The package folders (<c>id/version</c>, lower case) the assets file names; empty when it cannot be read.</summary>
    public static IReadOnlyCollection<string> PackageFolders(string assetsFile)
    {
        var folders = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var stream = File.OpenRead(assetsFile);
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true });
            var root = document.RootElement;
            if (root.TryGetProperty("libraries", out var libraries) && libraries.ValueKind == JsonValueKind.Object)
            {
                foreach (var library in libraries.EnumerateObject())
                {
                    if (library.Value.ValueKind == JsonValueKind.Object
                        && library.Value.TryGetProperty("type", out var type) && type.ValueEquals("package"))
                    {
                        var path = library.Value.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String
                            ? p.GetString()
                            : library.Name;
                        Add(folders, path);
                    }
                }
            }

            foreach (var dependency in DownloadDependencies(root))
            {
                Add(folders, dependency);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return [];
        }

        return folders;
    }

    /// <summary>
    /// The tool packages a local tool manifest (<c>.config/dotnet-tools.json</c>, or <c>dotnet-tools.json</c>)
    /// names: <c>dotnet tool restore</c> puts them into the packages folder too, with no assets file of a project.
    /// </summary>
    public static IReadOnlyCollection<string> ToolFolders(string baseDirectory)
    {
        var folders = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var manifest in new[] { Path.Combine(baseDirectory, ".config", "dotnet-tools.json"), Path.Combine(baseDirectory, "dotnet-tools.json") })
        {
            try
            {
                if (!File.Exists(manifest))
                {
                    continue;
                }

                using var document = JsonDocument.Parse(File.ReadAllBytes(manifest), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
                if (document.RootElement.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Object)
                {
                    foreach (var tool in tools.EnumerateObject())
                    {
                        if (tool.Value.ValueKind == JsonValueKind.Object && tool.Value.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String)
                        {
                            Add(folders, $"{tool.Name}/{version.GetString()}");
                        }
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
            {
                // A broken manifest fails `dotnet tool restore` with its own message.
            }
        }

        return folders;
    }

    /// <summary>The project's own package references (id and version range, every framework) the assets file records.</summary>
    public static IReadOnlyList<(string Id, string Range)> References(string assetsFile)
    {
        var references = new List<(string Id, string Range)>();
        try
        {
            using var stream = File.OpenRead(assetsFile);
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true });
            if (document.RootElement.TryGetProperty("project", out var project) && project.ValueKind == JsonValueKind.Object
                && project.TryGetProperty("frameworks", out var frameworks) && frameworks.ValueKind == JsonValueKind.Object)
            {
                foreach (var framework in frameworks.EnumerateObject())
                {
                    if (framework.Value.ValueKind == JsonValueKind.Object
                        && framework.Value.TryGetProperty("dependencies", out var dependencies) && dependencies.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var dependency in dependencies.EnumerateObject())
                        {
                            if (dependency.Value.ValueKind == JsonValueKind.Object
                                && dependency.Value.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String)
                            {
                                references.Add((dependency.Name, version.GetString()!));
                            }
                        }
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return [];
        }

        return references;
    }

    private static IEnumerable<string> DownloadDependencies(JsonElement root)
    {
        if (!root.TryGetProperty("project", out var project) || project.ValueKind != JsonValueKind.Object
            || !project.TryGetProperty("frameworks", out var frameworks) || frameworks.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var framework in frameworks.EnumerateObject())
        {
            if (framework.Value.ValueKind != JsonValueKind.Object
                || !framework.Value.TryGetProperty("downloadDependencies", out var downloads) || downloads.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var download in downloads.EnumerateArray())
            {
                if (download.ValueKind == JsonValueKind.Object
                    && download.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                    && download.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String
                    && ExactVersion(version.GetString()!) is { } exact)
                {
                    yield return $"{name.GetString()}/{exact}";
                }
            }
        }
    }

    /// <summary>The version of an exact range <c>[1.2.3, 1.2.3]</c> (how download dependencies are written), or the plain version.</summary>
    internal static string? ExactVersion(string range)
    {
        var text = range.Trim();
        if (!text.StartsWith('['))
        {
            return text.Length > 0 && !text.Contains(',') ? text : null;
        }

        var parts = text.Trim('[', ']').Split(',', StringSplitOptions.TrimEntries);
        return parts.Length is 1 or 2 && parts[0].Length > 0 && (parts.Length == 1 || parts[0] == parts[1]) ? parts[0] : null;
    }

    private static void Add(HashSet<string> folders, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        var normalized = path.Replace('\\', '/').Trim('/').ToLowerInvariant();
        // Exactly id/version, nothing that climbs out of the packages folder.
        var segments = normalized.Split('/');
        if (segments.Length == 2 && segments.All(s => s.Length > 0 && s != "." && s != ".."))
        {
            folders.Add(normalized);
        }
    }
}
