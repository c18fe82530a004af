namespace Atmos.Cache.Operations;

/// <summary>An entry a restore found but did not trust (a miss for its key), and what happened to it.</summary>
public sealed record RejectedEntry(string Key, string Message);
