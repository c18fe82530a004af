namespace Atmos.Cache.Archiving.Integrity;

/// <summary>
/// The v2 digest of an archive that is still arriving, computed by its source as the bytes land
/// (so its CPU overlaps the transfer). The extraction says how far it reaches once the trailer is
/// known, and collects it before the merge.
/// </summary>
internal interface IArrivingDigest
{
    /// <summary>The trailer is known: the digest covers exactly the first <paramref name="dataLength"/> bytes.</summary>
    void Cover(long dataLength);

    /// <summary>The archive records no v2 digest: hashing can stop.</summary>
    void Abandon();

    /// <summary>Waits until the first <paramref name="dataLength"/> bytes are hashed and returns their SHA-256.</summary>
    byte[] Finish(long dataLength, CancellationToken cancellationToken);
}
