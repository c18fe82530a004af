namespace Atmos.Cache.Archiving.Compression;

/// <summary>
/// Joins the CRC-32 (gzip's polynomial) of two byte runs into the CRC-32 of their concatenation,
/// knowing only the second run's length: crc(A·B) = crc(A)·x^(8·|B|) + crc(B) over GF(2) modulo the
/// polynomial. Lets chunks that were compressed (and checksummed) in parallel share one gzip trailer.
/// </summary>
internal static class Crc32Combiner
{
    // Reflected form: bit 31 holds the coefficient of x^0, bit 0 that of x^31.
    private const uint Polynomial = 0xEDB88320;
    private const uint One = 1u << 31;

    // x^(2^k) mod P for k = 0..31; x's order modulo P divides 2^32 - 1, so k wraps at 32.
    private static readonly uint[] PowersOfTwoPowers = BuildPowers();

    public static uint Combine(uint crcFirst, uint crcSecond, long secondLength) =>
        Multiply(XToThe8NBits(secondLength), crcFirst) ^ crcSecond;

    /// <summary>x^(8·n) mod P: square-and-multiply over the bits of n, starting at x^8 = x^(2^3).</summary>
    private static uint XToThe8NBits(long n)
    {
        var power = One;
        for (var k = 3; n != 0; n >>= 1, k++)
        {
            if ((n & 1) != 0)
            {
                power = Multiply(PowersOfTwoPowers[k & 31], power);
            }
        }

        return power;
    }

    /// <summary>a·b mod P: adds b·x^i for every term x^i of a, multiplying b by x (and reducing) each step.</summary>
    private static uint Multiply(uint a, uint b)
    {
        uint product = 0;
        for (var term = One; term != 0; term >>= 1)
        {
            if ((a & term) != 0)
            {
                product ^= b;
            }

            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }

        return product;
    }

    private static uint[] BuildPowers()
    {
        var powers = new uint[32];
        powers[0] = One >> 1; // x^1
        for (var k = 1; k < powers.Length; k++)
        {
            powers[k] = Multiply(powers[k - 1], powers[k - 1]);
        }

        return powers;
    }
}
