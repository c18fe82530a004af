using Atmos.Cache.Build.Logging;
using Atmos.Cache.Configuration;
using Microsoft.Build.Framework;

namespace Atmos.Cache.Build.Tasks;

/// <summary>Deletes the cache entry with exactly one key; a missing key is not an error.</summary>
public sealed class DeleteCiCache : CacheTask
{
    /// <summary><c>AtmosCacheDeleteKey</c>: the exact key to delete.</summary>
    public string? DeleteKey { get; set; }

    /// <summary>The delete request was made (and the key is gone).</summary>
    [Output]
    public bool Deleted { get; private set; }

    private protected override string Operation => "delete";

    private protected override string FailureCode => DiagnosticCodes.AdminFailed;

    private protected override async System.Threading.Tasks.Task ExecuteAsync(CacheConfig config, CancellationToken cancellationToken)
    {
        var key = DeleteKey?.Trim() ?? "";
        if (Session is not null && !await Session.ClaimAsync("delete:" + key, cancellationToken).ConfigureAwait(false))
        {
            LogDetail($"delete of '{key}' already done in this build.");
            return;
        }

        var manager = CreateManager(config);
        if (manager is null)
        {
            return;
        }

        await manager.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        Deleted = true;
        LogSummary($"{SummaryLine.Prefix}deleted '{key}' from the {manager.BackendName} cache");
    }
}
