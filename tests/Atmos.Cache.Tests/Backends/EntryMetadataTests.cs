using System.Text;
using System.Text.Json;
using Atmos.Cache.Backends.Local;

namespace Atmos.Cache.Tests.Backends;

/// <summary>The local store's <c>entry.json</c>: its shape, and entries written by earlier versions.</summary>
[TestClass]
public sealed class EntryMetadataTests
{
    [TestMethod]
    public void ItRoundTripsWithTheSameFieldNames()
    {
        var metadata = new EntryMetadata("atmos-cache-linux-amd64-abc", 123_456_789_012, new DateTimeOffset(2026, 11, 25, 14, 5, 6, 789, TimeSpan.Zero));

        var json = metadata.ToJson();

        using var document = JsonDocument.Parse(json);
        CollectionAssert.AreEqual(new[] { "Key", "Size", "CreatedAt" }, document.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual(metadata, EntryMetadata.FromJson(json));
    }

    [TestMethod]
    public void AnEntryWrittenByTheReflectionSerializerStillReads()
    {
        // What System.Text.Json's default serializer wrote for the earlier record.
        var json = Encoding.UTF8.GetBytes("""{"Key":"k1","Size":42,"CreatedAt":"2026-11-25T13:00:00.1234567+00:00"}""");

        var metadata = EntryMetadata.FromJson(json);

        Assert.AreEqual(new EntryMetadata("k1", 42, new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.Zero).AddTicks(1234567)), metadata);
    }

    [TestMethod]
    [DataRow("""{"Key":"k1","Size":42}""")]
    [DataRow("""{"Key":7,"Size":42,"CreatedAt":"2026-11-25T13:00:00+00:00"}""")]
    [DataRow("""{"Key":"k1","Size":"big","CreatedAt":"2026-11-25T13:00:00+00:00"}""")]
    [DataRow("""{"Key":"k1","Size":42,"CreatedAt":"yesterday"}""")]
    [DataRow("""[]""")]
    public void AnIncompleteEntryReadsAsNone(string json) =>
        Assert.IsNull(EntryMetadata.FromJson(Encoding.UTF8.GetBytes(json)));

    [TestMethod]
    public void MalformedJsonIsAJsonException() =>
        Assert.Throws<JsonException>(() => EntryMetadata.FromJson(Encoding.UTF8.GetBytes("{\"Key\":")), "the backend treats it as an unreadable entry");
}
