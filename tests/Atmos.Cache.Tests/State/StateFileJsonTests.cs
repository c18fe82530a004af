using System.Text;
using Atmos.Cache.State;

namespace Atmos.Cache.Tests.State;

/// <summary>The marker's JSON codec: what it keeps, what it leaves out, and what it tolerates.</summary>
[TestClass]
public sealed class StateFileJsonTests
{
    [TestMethod]
    public void WrittenEntriesReadBackUnchanged()
    {
        var entries = new Dictionary<string, KeyState>(StringComparer.Ordinal)
        {
            ["a"] = new() { RestoredFrom = RestoredFrom.Prefix, MatchedKey = "a-old", Saved = true },
            ["b"] = new() { RestoredFrom = RestoredFrom.Miss },
            ["c \"quoted\" ü"] = new() { Saved = true },
        };

        var read = StateFileJson.Read(StateFileJson.Write(entries));

        CollectionAssert.AreEquivalent(entries.ToList(), read.ToList());
    }

    [TestMethod]
    public void FieldsOfTheWrongTypeAreLeftUnset()
    {
        var json = Encoding.UTF8.GetBytes("""{"entries": {"k": {"restored_from": 3, "matched_key": null, "saved": "yes"}, "bad": 5}}""");

        var read = StateFileJson.Read(json);

        Assert.AreEqual(1, read.Count);
        Assert.AreEqual(new KeyState(), read["k"]);
    }

    [TestMethod]
    [DataRow("[]")]
    [DataRow("{}")]
    [DataRow("""{"entries": []}""")]
    public void AMarkerWithoutEntriesReadsEmpty(string json) =>
        Assert.AreEqual(0, StateFileJson.Read(Encoding.UTF8.GetBytes(json)).Count);
}
