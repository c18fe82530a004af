using Atmos.Cache.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Atmos.Cache.Build.Logging;

/// <summary>
/// Routes the engine's messages into MSBuild's log: summaries at High, progress at Normal,
/// details at Low, and engine warnings as coded warnings. Thread-safe, because the engine may
/// report from transfer threads while the task waits.
/// </summary>
internal sealed class TaskCacheLogger(TaskLoggingHelper log, string prefix = SummaryLine.Prefix) : ICacheLogger
{
    private readonly object _gate = new();

    public void Log(CacheLogLevel level, string message)
    {
        lock (_gate)
        {
            switch (level)
            {
                case CacheLogLevel.Warning:
                    log.LogWarning(null, DiagnosticCodes.EngineWarning, null, null, 0, 0, 0, 0, "{0}", prefix + message);
                    break;
                case CacheLogLevel.Summary:
                    log.LogMessage(MessageImportance.High, "{0}", message);
                    break;
                case CacheLogLevel.Info:
                    log.LogMessage(MessageImportance.Normal, "{0}", prefix + message);
                    break;
                default:
                    log.LogMessage(MessageImportance.Low, "{0}", prefix + message);
                    break;
            }
        }
    }
}
