using System.Runtime.Versioning;

namespace Atmos.Cache.Platform;

/// <summary>
/// What the file system of this OS does differently, in one place: the walk, the extraction, the merge,
/// the local backend, the state marker and the default root ask this instead of checking the OS
/// themselves. <see cref="Host"/> is this machine's; a test runs the Windows or macOS rules on Linux
/// by setting <see cref="Windows"/> or <see cref="MacOS"/> for its own async flow with <see cref="Use"/>.
/// </summary>
internal sealed record FilePlatform
{
    /// <summary>
    /// Set to <c>1</c> or <c>true</c>, the walk, extraction and cloning take the managed path Windows
    /// takes (the BCL's <see cref="FileInfo"/> and <see cref="FileStream"/>, copies instead of hard links)
    /// instead of the runtime's Unix shim. Read once per process; CI runs the engine tests with it on.
    /// </summary>
    public const string ManagedIoVariable = "ATMOS_CI_CACHE_MANAGED_IO";

    private static readonly AsyncLocal<FilePlatform?> s_override = new();
    private readonly bool _unixModes;

    /// <summary>Linux: case-sensitive names, Unix modes, the Unix shim, hard links.</summary>
    public static FilePlatform Linux { get; } = new()
    {
        Name = "linux",
        UnixShim = true,
        UnixModes = true,
        HardLinks = true,
    };

    /// <summary>macOS: as Linux, but the default APFS ignores case, and <c>._</c> files are Finder metadata.</summary>
    public static FilePlatform MacOS { get; } = Linux with
    {
        Name = "macos",
        IgnoresCase = true,
        SkipsAppleDoubleFiles = true,
    };

    /// <summary>
    /// Windows: the managed path, no Unix modes (a file's one permission is the read-only attribute),
    /// names compared ignoring case, Windows' name rules, and the root under <c>%LOCALAPPDATA%</c>.
    /// </summary>
    public static FilePlatform Windows { get; } = new()
    {
        Name = "windows",
        IgnoresCase = true,
        WindowsNames = true,
        WindowsProfileFolders = true,
    };

    /// <summary>This machine's platform (with <see cref="ManagedIoVariable"/> applied).</summary>
    public static FilePlatform Host { get; } = ForHost(Environment.GetEnvironmentVariable(ManagedIoVariable));

    /// <summary>The platform in effect: <see cref="Host"/>, unless this async flow set another with <see cref="Use"/>.</summary>
    public static FilePlatform Current => s_override.Value ?? Host;

    /// <summary>"linux", "macos" or "windows": the rules this platform follows.</summary>
    public required string Name { get; init; }

    /// <summary>The walk and the extraction call the runtime's Unix shim (lstat, open/read/write/futimens) directly.</summary>
    public bool UnixShim { get; init; }

    /// <summary>
    /// Permission bits are read from and written to the file system. Without them (Windows) a file
    /// is archived as 0644, or 0444 when it has the read-only attribute, and a restored file without
    /// the owner's write bit gets the read-only attribute. Never true on Windows.
    /// </summary>
    [UnsupportedOSPlatformGuard("windows")]
    public bool UnixModes { get => _unixModes && !OperatingSystem.IsWindows(); init => _unixModes = value; }

    /// <summary>Names that differ only in case are one file (Windows; macOS's default APFS).</summary>
    public bool IgnoresCase { get; init; }

    /// <summary>Drive letters, backslashes, colons, reserved device names and trailing dots or spaces are hazards.</summary>
    public bool WindowsNames { get; init; }

    /// <summary><c>._name</c> files (AppleDouble: the Finder's extended attributes) are never archived.</summary>
    public bool SkipsAppleDoubleFiles { get; init; }

    /// <summary>The local backend puts stored archives in place with hard links (else copies).</summary>
    public bool HardLinks { get; init; }

    /// <summary>
    /// User folders are Windows' profile folders: the cache home is <c>%LOCALAPPDATA%\cache</c>, NuGet's
    /// folders are under <c>%USERPROFILE%</c> and <c>%APPDATA%</c> (else <c>~/.cache</c>, <c>$HOME</c>).
    /// </summary>
    public bool WindowsProfileFolders { get; init; }

    /// <summary>
    /// The waits between tries of a rename or open that another process blocks (a virus scanner or
    /// the search indexer holding the file open): 7 tries over about 3 seconds.
    /// </summary>
    public IReadOnlyList<TimeSpan> SharingRetryDelays { get; init; } =
        [.. new[] { 50, 100, 200, 400, 800, 1600 }.Select(ms => TimeSpan.FromMilliseconds(ms))];

    /// <summary>The file-system calls whose failures differ by OS; a test replaces one to fail as Windows does.</summary>
    public FileCalls Calls { get; init; } = FileCalls.Host;

    /// <summary>How this platform compares names.</summary>
    public StringComparison NameComparison => IgnoresCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>Sets <paramref name="platform"/> for the calling async flow (and what it starts) until disposed.</summary>
    public static IDisposable Use(FilePlatform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var previous = s_override.Value;
        s_override.Value = platform;
        return new Restore(previous);
    }

    /// <summary>Whether the value of <see cref="ManagedIoVariable"/> asks for the managed path.</summary>
    public static bool ManagedIoRequested(string? value) =>
        value is not null && (value.Trim() == "1" || value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase));

    internal static FilePlatform ForHost(string? managedIo)
    {
        var platform = OperatingSystem.IsWindows() ? Windows : OperatingSystem.IsMacOS() ? MacOS : Linux;
        return ManagedIoRequested(managedIo) ? platform with { UnixShim = false, HardLinks = false } : platform;
    }

    private sealed class Restore(FilePlatform? previous) : IDisposable
    {
        public void Dispose() => s_override.Value = previous;
    }
}
