using System.Globalization;
using System.Xml.Linq;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.Azure.Http;

/// <summary>Reads a List Blobs answer (<c>EnumerationResults</c>): blobs with size and creation time, blob prefixes, and the next marker.</summary>
internal static class BlobListing
{
    public static BlobListPage Parse(string body)
    {
        XElement root;
        try
        {
            root = XDocument.Parse(body).Root ?? throw new System.Xml.XmlException("empty");
        }
        catch (System.Xml.XmlException)
        {
            throw new CacheBackendException("Blob storage answered List Blobs with a body that is not the XML expected.");
        }

        var blobs = Child(root, "Blobs");
        var items = blobs is null ? [] : blobs.Elements().Where(e => e.Name.LocalName == "Blob").Select(blob =>
        {
            var properties = Child(blob, "Properties");
            var created = Date(Value(properties, "Creation-Time")) ?? Date(Value(properties, "Last-Modified")) ?? DateTimeOffset.MinValue;
            var size = long.TryParse(Value(properties, "Content-Length"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var length) ? length : 0;
            return new BlobItem(Value(blob, "Name") ?? "", size, created);
        }).Where(b => b.Name.Length > 0).ToList();
        var prefixes = blobs is null ? [] : blobs.Elements().Where(e => e.Name.LocalName == "BlobPrefix").Select(p => Value(p, "Name") ?? "").Where(p => p.Length > 0).ToList();
        var next = Value(root, "NextMarker");
        return new BlobListPage(items, prefixes, string.IsNullOrEmpty(next) ? null : next);
    }

    /// <summary>Storage's RFC 1123 dates (<c>Tue, 04 Sep 2018 20:36:16 GMT</c>).</summary>
    public static DateTimeOffset? Date(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;

    private static XElement? Child(XElement? parent, string name) => parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    private static string? Value(XElement? parent, string name) => Child(parent, name)?.Value;
}

/// <summary>A blob of a listing: its full name, size and creation time.</summary>
internal sealed record BlobItem(string Name, long Size, DateTimeOffset CreatedOn);

/// <summary>One page of List Blobs: blobs, blob prefixes (with a delimiter), and the marker of the next page (null on the last).</summary>
internal sealed record BlobListPage(IReadOnlyList<BlobItem> Blobs, IReadOnlyList<string> Prefixes, string? NextMarker);
