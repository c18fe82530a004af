using System.Diagnostics.Tracing;

namespace Atmos.Cache.Bench;

/// <summary>
/// Counts the runtime's allocation samples (one per ~100 KB allocated) by type, to see what an
/// operation allocates (ATMOS_BENCH_MEMORY=2).
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly Dictionary<string, long> _bytesByType = [];

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            // GC keyword (0x1), verbose level: AllocationTick events.
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
        {
            return;
        }

        var type = e.PayloadNames?.IndexOf("TypeName") is int t and >= 0 ? e.Payload[t]?.ToString() ?? "?" : "?";
        var amount = e.PayloadNames?.IndexOf("AllocationAmount64") is int a and >= 0 ? Convert.ToInt64(e.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        lock (_bytesByType)
        {
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
        }
    }

    public void Report(TextWriter writer)
    {
        lock (_bytesByType)
        {
            foreach (var (type, bytes) in _bytesByType.OrderByDescending(p => p.Value).Take(15))
            {
                writer.WriteLine($"  allocated ~{bytes >> 10,8} KiB  {type}");
            }
        }
    }
}
