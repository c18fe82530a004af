using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Atmos.Cache.Emulator.Storage;

/// <summary>
/// Azurite's well-known development account, and the shared access signatures it verifies:
/// service SAS for one blob (what the cache service hands out) and account SAS (for the emulator's
/// own container management). Signatures are HMAC-SHA256 over the documented string-to-sign.
/// </summary>
public sealed class AzuriteAccount
{
    public const string Name = "devstoreaccount1";

    /// <summary>Azurite's published development key (not a secret).</summary>
    private const string WellKnownKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The SAS version signed; 2020-12-06 and later include the encryption scope field.</summary>
    public const string SasVersion = "2023-11-03";

    private readonly byte[] _key = Convert.FromBase64String(WellKnownKey);

    /// <summary>The query string (without '?') of a service SAS for one blob, and its signature.</summary>
    public (string Query, string Signature) BlobSas(string container, string blob, string permissions, DateTimeOffset start, DateTimeOffset expiry)
    {
        var st = Format(start);
        var se = Format(expiry);
        const string resource = "b";
        string[] fields =
        [
            permissions, st, se, $"/blob/{Name}/{container}/{blob}",
            "", // signed identifier
            "", // signed IP
            "", // signed protocol
            SasVersion, resource,
            "", // snapshot time
            "", // encryption scope
            "", "", "", "", "", // rscc, rscd, rsce, rscl, rsct
        ];
        var signature = Sign(string.Join("\n", fields));
        var query = $"sv={SasVersion}&st={Escape(st)}&se={Escape(se)}&sr={resource}&sp={permissions}&sig={Escape(signature)}";
        return (query, signature);
    }

    /// <summary>The query string of an account SAS for blob containers and objects.</summary>
    public string AccountSas(DateTimeOffset expiry)
    {
        var se = Format(expiry);
        const string permissions = "rwdlac";
        const string services = "b";
        const string resourceTypes = "sco";
        string[] fields = [Name, permissions, services, resourceTypes, "", se, "", "", SasVersion, "", ""];
        var signature = Sign(string.Join("\n", fields));
        return $"sv={SasVersion}&ss={services}&srt={resourceTypes}&sp={permissions}&se={Escape(se)}&sig={Escape(signature)}";
    }

    private string Sign(string stringToSign) => Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(stringToSign)));

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
