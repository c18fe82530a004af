using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.S3.Http;

/// <summary>The XML documents of the S3 API the backend reads and writes (namespaces ignored when reading).</summary>
internal static class S3Xml
{
    public static string InitiateUploadId(string body) =>
        Element(Parse(body, "CreateMultipartUpload"), "UploadId") is { Length: > 0 } id
            ? id
            : throw new CacheBackendException("S3 started a multipart upload without an upload id.");

    public static string CompleteBody(IReadOnlyList<string> etags)
    {
        var xml = new StringBuilder("<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
        for (var i = 0; i < etags.Count; i++)
        {
            xml.Append("<Part><PartNumber>").Append((i + 1).ToString(CultureInfo.InvariantCulture))
                .Append("</PartNumber><ETag>").Append(EscapeText(etags[i])).Append("</ETag></Part>");
        }

        return xml.Append("</CompleteMultipartUpload>").ToString();
    }

    // Element text: the ETag's quotes stay as they are, as the AWS tools send them.
    private static string EscapeText(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    public static S3ListPage ListPage(string body)
    {
        var root = Parse(body, "ListObjectsV2");
        var objects = Children(root, "Contents").Select(c => new S3Object(
            Element(c, "Key") ?? "",
            long.TryParse(Element(c, "Size"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) ? size : 0,
            DateTimeOffset.TryParse(Element(c, "LastModified"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var modified) ? modified : DateTimeOffset.MinValue))
            .Where(o => o.Key.Length > 0)
            .ToList();
        var prefixes = Children(root, "CommonPrefixes").Select(c => Element(c, "Prefix") ?? "").Where(p => p.Length > 0).ToList();
        var truncated = string.Equals(Element(root, "IsTruncated"), "true", StringComparison.OrdinalIgnoreCase);
        var next = Element(root, "NextContinuationToken");
        return new S3ListPage(objects, prefixes, truncated && !string.IsNullOrEmpty(next) ? next : null);
    }

    private static XElement Parse(string body, string operation)
    {
        try
        {
            return XDocument.Parse(body).Root ?? throw new System.Xml.XmlException("empty");
        }
        catch (System.Xml.XmlException)
        {
            throw new CacheBackendException($"S3 answered {operation} with a body that is not the XML expected.");
        }
    }

    private static IEnumerable<XElement> Children(XElement parent, string name) => parent.Elements().Where(e => e.Name.LocalName == name);

    private static string? Element(XElement parent, string name) => Children(parent, name).FirstOrDefault()?.Value;
}

/// <summary>An object of a listing.</summary>
internal sealed record S3Object(string Key, long Size, DateTimeOffset LastModified);

/// <summary>One page of ListObjectsV2: objects, common prefixes, and the token of the next page (null on the last).</summary>
internal sealed record S3ListPage(IReadOnlyList<S3Object> Objects, IReadOnlyList<string> CommonPrefixes, string? ContinuationToken);
