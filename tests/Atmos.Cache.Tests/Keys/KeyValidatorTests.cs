using Atmos.Cache.Errors;
using Atmos.Cache.Keys;

namespace Atmos.Cache.Tests.Keys;

[TestClass]
public sealed class KeyValidatorTests
{
    [TestMethod]
    public void AcceptsKeyAtTheLimits() =>
        KeyValidator.Validate(new string('k', 512), Enumerable.Range(0, 9).Select(i => $"p{i}-").ToList());

    [TestMethod]
    public void RejectsLongKey()
    {
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => KeyValidator.Validate(new string('k', 513), []));
        KeyExpectations.MessageContains(error, "513", "512", "AtmosCacheKey");
    }

    [TestMethod]
    public void RejectsComma()
    {
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => KeyValidator.Validate("k", ["a,b"]));
        KeyExpectations.MessageContains(error, "a,b", "comma", "AtmosCacheRestoreKeys");
    }

    [TestMethod]
    public void RejectsEmptyKey()
    {
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => KeyValidator.Validate(" ", []));
        KeyExpectations.MessageContains(error, "empty", "AtmosCacheKey");
    }

    [TestMethod]
    public void RejectsMoreThanTenKeys()
    {
        var error = Assert.ThrowsExactly<CacheConfigurationException>(
            () => KeyValidator.Validate("k", Enumerable.Range(0, 10).Select(i => $"p{i}-").ToList()));
        KeyExpectations.MessageContains(error, "10", "AtmosCacheRestoreKeys");
    }
}
