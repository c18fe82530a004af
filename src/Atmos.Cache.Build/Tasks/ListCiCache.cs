using System.Globalization;
using Atmos.Cache.Build.Logging;
using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Atmos.Cache.Build.Tasks;

/// <summary>Lists the cache entries whose key starts with a prefix, newest first.</summary>
public sealed class ListCiCache : CacheTask
{
    /// <summary><c>AtmosCacheListPrefix</c>: only keys starting with this; empty lists all.</summary>
    public string? Prefix { get; set; }

    /// <summary>One item per entry: the key, with <c>Size</c> (bytes), <c>CreatedAt</c> (ISO 8601), <c>Version</c> and <c>Id</c> metadata.</summary>
    [Output]
    public ITaskItem[] Entries { get; private set; } = [];

    private protected override string Operation => "list";

    private protected override string FailureCode => DiagnosticCodes.AdminFailed;

    private protected override async System.Threading.Tasks.Task ExecuteAsync(CacheConfig config, CancellationToken cancellationToken)
    {
        if (Session is not null && !await Session.ClaimAsync("list:" + Prefix, cancellationToken).ConfigureAwait(false))
        {
            LogDetail("list already done in this build.");
            return;
        }

        var manager = CreateManager(config);
        if (manager is null)
        {
            return;
        }

        var prefix = Prefix?.Trim() ?? "";
        var entries = await manager.ListAsync(prefix, cancellationToken).ConfigureAwait(false);
        LogSummary($"{SummaryLine.Prefix}{entries.Count} entr{(entries.Count == 1 ? "y" : "ies")}{(prefix.Length > 0 ? $" with prefix '{prefix}'" : "")} in the {manager.BackendName} cache");
        foreach (var entry in entries)
        {
            var created = entry.CreatedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "unknown time";
            LogSummary($"  {entry.Key}  {Sizes.Format(entry.Size)}  {created}");
        }

        Entries =
        [
            .. entries.Select(entry =>
            {
                var item = new TaskItem(entry.Key);
                item.SetMetadata("Size", entry.Size.ToString(CultureInfo.InvariantCulture));
                item.SetMetadata("CreatedAt", entry.CreatedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "");
                item.SetMetadata("Version", entry.Version);
                item.SetMetadata("Id", entry.Id);
                return (ITaskItem)item;
            }),
        ];
    }
}
