using System.Xml.Linq;

namespace Atmos.Cache.Backends.S3.Http;

/// <summary>
/// The <c>&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;</c> body S3 answers failures with. Only the code and the
/// message are ever shown: a <c>SignatureDoesNotMatch</c> body also carries the string to sign and the
/// signature, which must not reach a log.
/// </summary>
internal sealed record S3ErrorDocument(string Code, string Message)
{
    /// <summary>Codes worth retrying even when the status is not 5xx (S3 answers a slow upload with 400 RequestTimeout).</summary>
    public bool IsTransient => Code is "RequestTimeout" or "SlowDown" or "InternalError" or "ServiceUnavailable" or "OperationAborted";

    public static S3ErrorDocument? TryParse(string body)
    {
        if (string.IsNullOrWhiteSpace(body) || !body.TrimStart().StartsWith('<'))
        {
            return null;
        }

        try
        {
            var root = XDocument.Parse(body).Root;
            if (root is null || root.Name.LocalName != "Error")
            {
                return null;
            }

            string Child(string name) => root.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
            var message = Child("Message");
            return new S3ErrorDocument(Child("Code"), message.Length > 300 ? message[..300] + "..." : message);
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    public override string ToString() => string.IsNullOrEmpty(Message) ? Code : $"{Code}: {Message}";
}
