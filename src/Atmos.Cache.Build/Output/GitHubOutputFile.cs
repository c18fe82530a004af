using System.Text;

namespace Atmos.Cache.Build.Output;

/// <summary>
/// Appends step outputs to the file GitHub Actions names in <c>$GITHUB_OUTPUT</c>: <c>name=value</c>
/// lines, and the heredoc form <c>name&lt;&lt;DELIMITER</c> for values that span lines.
/// </summary>
internal static class GitHubOutputFile
{
    public const string Variable = "GITHUB_OUTPUT";

    /// <summary>The text to append for the outputs, in the given order.</summary>
    public static string Format(IEnumerable<KeyValuePair<string, string>> outputs)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in outputs)
        {
            if (value.Contains('\n'))
            {
                // Atmos's delimiter: unlikely to appear in a value, and tied to the output name.
                var delimiter = "ATMOS_EOF_" + name;
                text.Append(name).Append("<<").Append(delimiter).Append('\n').Append(value).Append('\n').Append(delimiter).Append('\n');
            }
            else
            {
                text.Append(name).Append('=').Append(value).Append('\n');
            }
        }

        return text.ToString();
    }

    public static void Append(string path, IEnumerable<KeyValuePair<string, string>> outputs) =>
        File.AppendAllText(path, Format(outputs), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
}
