namespace Atmos.Cache.Platform;

/// <summary>The Windows errors the package handles by name, as .NET reports them (HRESULTs of Win32 errors).</summary>
internal static class WindowsErrors
{
    /// <summary>ERROR_SHARING_VIOLATION: another process has the file open without sharing it.</summary>
    public const int SharingViolation = unchecked((int)0x80070020);

    /// <summary>ERROR_LOCK_VIOLATION: another process has locked a part of the file.</summary>
    public const int LockViolation = unchecked((int)0x80070021);

    /// <summary>ERROR_PRIVILEGE_NOT_HELD: creating a symbolic link needs Developer Mode or an elevated process.</summary>
    public const int PrivilegeNotHeld = unchecked((int)0x80070522);

    public static bool IsSharingViolation(Exception error) =>
        error is IOException { HResult: SharingViolation or LockViolation };

    public static bool IsPrivilegeNotHeld(Exception error) =>
        error is IOException { HResult: PrivilegeNotHeld } or UnauthorizedAccessException { HResult: PrivilegeNotHeld };
}
