using System.Runtime.InteropServices;
using Atmos.Cache.Archiving.Compression.Zstd;

namespace Atmos.Cache.Archiving.Compression.Deflate;

/// <summary>
/// The machine's own libdeflate, when it has one (Debian and Ubuntu images carry <c>libdeflate0</c>:
/// libtiff links it). It inflates a whole buffer at once, which is exactly what an indexed gzip chunk
/// is (its compressed and decompressed lengths are known), with less CPU than a streaming inflater.
/// Loaded once; when it is missing, the BCL's zlib-ng does the work as before.
/// </summary>
internal static class SystemLibdeflate
{
    /// <summary>Setting this to <c>0</c> or <c>false</c> makes the engine inflate with the BCL only.</summary>
    public const string SwitchVariable = "ATMOS_CACHE_SYSTEM_LIBDEFLATE";

    private static readonly Lazy<LibdeflateFunctions?> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The library's functions, or null when the BCL must be used.</summary>
    public static LibdeflateFunctions? Functions =>
        SystemZstd.IsSwitchedOff(Environment.GetEnvironmentVariable(SwitchVariable)) ? null : Loaded.Value;

    /// <summary>The library whether or not the switch turns it off: for tests that compare it with the managed path.</summary>
    internal static LibdeflateFunctions? Installed => Loaded.Value;

    private static IEnumerable<string> CandidateNames()
    {
        if (OperatingSystem.IsWindows())
        {
            return ["libdeflate.dll", "deflate.dll"];
        }

        if (OperatingSystem.IsMacOS())
        {
            return ["libdeflate.0.dylib", "/opt/homebrew/lib/libdeflate.0.dylib", "/usr/local/lib/libdeflate.0.dylib"];
        }

        return ["libdeflate.so.0", "libdeflate.so"];
    }

    private static LibdeflateFunctions? Load()
    {
        foreach (var name in CandidateNames())
        {
            if (NativeLibrary.TryLoad(name, out var handle) && LibdeflateFunctions.TryBind(handle) is { } functions)
            {
                return functions;
            }
        }

        return null;
    }
}
