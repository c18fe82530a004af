namespace Atmos.Cache.Archiving.Integrity;

/// <summary>What an archive writer needs to sign the entry it writes: the signer and the entry's key and version.</summary>
internal sealed record EntrySigning(EntrySigner Signer, string Key, string Version);
