using Microsoft.Build.Framework;

namespace Atmos.Cache.Build.Tasks;

/// <summary>The targets' settings item list (<c>_AtmosCacheSetting</c>: item spec = setting name, metadata <c>Value</c>).</summary>
internal static class TaskSettings
{
    public const string ValueMetadata = "Value";

    public static Dictionary<string, string> ToDictionary(ITaskItem[]? items)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items ?? [])
        {
            settings[item.ItemSpec] = item.GetMetadata(ValueMetadata);
        }

        return settings;
    }
}
