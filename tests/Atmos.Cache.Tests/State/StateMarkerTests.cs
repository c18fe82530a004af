using System.Text.Json;
using Atmos.Cache.State;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.State;

[TestClass]
public sealed class StateMarkerTests
{
    [TestMethod]
    public void GetReturnsNullWhenNoMarkerExists()
    {
        using var root = new TempFolder();

        Assert.IsNull(new StateMarker(root.Path).Get("k"));
    }

    [TestMethod]
    public void SetWritesTheAtmosJsonShape()
    {
        using var root = new TempFolder();
        var marker = new StateMarker(root.Path);

        marker.Set("k1", new KeyState { RestoredFrom = RestoredFrom.Prefix, MatchedKey = "k0" });
        marker.Set("k2", new KeyState { Saved = true });

        using var json = JsonDocument.Parse(File.ReadAllText(root.Combine(".atmos-cache", "state.json")));
        var entries = json.RootElement.GetProperty("entries");
        Assert.AreEqual("prefix", entries.GetProperty("k1").GetProperty("restored_from").GetString());
        Assert.AreEqual("k0", entries.GetProperty("k1").GetProperty("matched_key").GetString());
        Assert.IsFalse(entries.GetProperty("k1").TryGetProperty("saved", out _), "false is omitted, as Go's omitempty does");
        Assert.IsTrue(entries.GetProperty("k2").GetProperty("saved").GetBoolean());
        Assert.IsFalse(entries.GetProperty("k2").TryGetProperty("restored_from", out _));
    }

    [TestMethod]
    public void GetReadsAMarkerWrittenByTheAtmosCli()
    {
        using var root = new TempFolder();
        root.WriteFile(".atmos-cache/state.json", """
            {
              "entries": {
                "atmos-cache-linux-amd64-abc": { "restored_from": "exact", "matched_key": "atmos-cache-linux-amd64-abc", "saved": true }
              }
            }
            """);

        var state = new StateMarker(root.Path).Get("atmos-cache-linux-amd64-abc");

        Assert.IsNotNull(state);
        Assert.AreEqual(RestoredFrom.Exact, state.RestoredFrom);
        Assert.IsTrue(state.Saved);
    }

    [TestMethod]
    public void GetTreatsACorruptMarkerAsEmpty()
    {
        using var root = new TempFolder();
        root.WriteFile(".atmos-cache/state.json", "{ not json");

        Assert.IsNull(new StateMarker(root.Path).Get("k"));
    }

    [TestMethod]
    public void SetLeavesNoTemporaryFilesBehind()
    {
        using var root = new TempFolder();
        var marker = new StateMarker(root.Path);

        marker.Set("k", new KeyState { Saved = true });
        marker.Set("k", new KeyState { RestoredFrom = RestoredFrom.Miss, Saved = true });

        CollectionAssert.AreEqual(new[] { "state.json" }, Directory.GetFiles(root.Combine(".atmos-cache")).Select(Path.GetFileName).ToArray());
        Assert.AreEqual(RestoredFrom.Miss, marker.Get("k")!.RestoredFrom);
    }
}
