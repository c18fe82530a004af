using System.Runtime.InteropServices;

namespace Atmos.Cache.Keys;

/// <summary>
/// The operating system and architecture under Go's names (<c>runtime.GOOS</c>, <c>runtime.GOARCH</c>),
/// so keys rendered here equal the keys the Atmos CLI renders on the same machine.
/// </summary>
internal static class GoPlatform
{
    /// <summary>The Go name of the current operating system: <c>linux</c>, <c>darwin</c>, <c>windows</c>...</summary>
    public static string Os { get; } = CurrentOs();

    /// <summary>The Go name of the current process architecture: <c>amd64</c>, <c>arm64</c>, <c>386</c>, <c>arm</c>...</summary>
    public static string Arch { get; } = FromArchitecture(RuntimeInformation.ProcessArchitecture);

    /// <summary>Maps a .NET architecture to Go's <c>GOARCH</c> name.</summary>
    public static string FromArchitecture(Architecture architecture) => architecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.X86 => "386",
        Architecture.Arm64 => "arm64",
        Architecture.Arm or Architecture.Armv6 => "arm",
        Architecture.Wasm => "wasm",
        Architecture.S390x => "s390x",
        Architecture.LoongArch64 => "loong64",
        Architecture.Ppc64le => "ppc64le",
        // Names added after net8.0 (riscv64...) already match Go's spelling once lower-cased.
        _ => architecture.ToString().ToLowerInvariant(),
    };

    private static string CurrentOs()
    {
        if (OperatingSystem.IsWindows())
        {
            return "windows";
        }

        if (OperatingSystem.IsMacOS() || OperatingSystem.IsMacCatalyst())
        {
            return "darwin";
        }

        if (OperatingSystem.IsAndroid())
        {
            return "android";
        }

        if (OperatingSystem.IsIOS())
        {
            return "ios";
        }

        if (OperatingSystem.IsFreeBSD())
        {
            return "freebsd";
        }

        if (OperatingSystem.IsLinux())
        {
            return "linux";
        }

        return RuntimeInformation.OSDescription.Split(' ', 2)[0].ToLowerInvariant();
    }
}
