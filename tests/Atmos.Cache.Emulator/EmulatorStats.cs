using System.Collections.Concurrent;

namespace Atmos.Cache.Emulator;

/// <summary>Counts of what the emulator served, so tests can tell how a transfer was done.</summary>
public sealed class EmulatorStats
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public void Count(string what) => _counts.AddOrUpdate(what, 1, (_, count) => count + 1);

    public int Get(string what) => _counts.TryGetValue(what, out var count) ? count : 0;

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(_counts, StringComparer.Ordinal);

    public void Reset() => _counts.Clear();

    public const string PutBlob = "blob.put";
    public const string PutBlock = "blob.block";
    public const string PutBlockList = "blob.blocklist";
    public const string RangedGet = "blob.get.range";
    public const string WholeGet = "blob.get";
    public const string Head = "blob.head";
    public const string InjectedFault = "fault";

    public static string Twirp(string method) => "twirp." + method;
}
