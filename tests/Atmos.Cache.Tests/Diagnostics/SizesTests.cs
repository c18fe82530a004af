using System.Globalization;
using Atmos.Cache.Diagnostics;

namespace Atmos.Cache.Tests.Diagnostics;

[TestClass]
public sealed class SizesTests
{
    [TestMethod]
    [DataRow(0L, "0 B")]
    [DataRow(1023L, "1023 B")]
    [DataRow(1024L, "1.0 KiB")]
    [DataRow(1536L, "1.5 KiB")]
    [DataRow(12_897_485L, "12.3 MiB")]
    [DataRow(327_127_266L, "312.0 MiB")]
    [DataRow(1L << 30, "1.0 GiB")]
    [DataRow(5L << 40, "5.0 TiB")]
    public void BinaryUnitsCarryTheirBinaryNames(long bytes, string expected) =>
        Assert.AreEqual(expected, Sizes.Format(bytes));

    [TestMethod]
    public void AValueThatWouldRoundToTheNextUnitIsShownInIt() =>
        Assert.AreEqual("1.0 MiB", Sizes.Format((1L << 20) - 1));

    [TestMethod]
    public void TheDecimalSeparatorIsAPointInEveryCulture()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.AreEqual("1.5 KiB", Sizes.Format(1536));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }
}
