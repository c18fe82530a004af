using System.Text.RegularExpressions;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Platform;

/// <summary>
/// The repository's shell scripts (the sample, eng/, CI) run on macOS runners, whose tools are BSD's,
/// and in Git Bash on Windows: they use POSIX options only, none that only GNU's tools (or only
/// Linux) have.
/// </summary>
[TestClass]
public sealed partial class ScriptPortabilityTests
{
    private static readonly (Regex Pattern, string Why)[] Rules =
    [
        (FindPrintf(), "find -printf is GNU-only"),
        (StatFormat(), "stat -c/--format is GNU-only (BSD stat spells it -f)"),
        (SedInPlace(), "sed -i without a suffix is GNU-only (BSD sed takes the next word as the suffix)"),
        (GrepPerl(), "grep -P is GNU-only"),
        (DateParse(), "date -d is GNU-only"),
        (XargsNoRun(), "xargs -r is GNU-only"),
        (GnuOnlyTools(), "not on macOS (flock, nproc, timeout, tac, numfmt, sha256sum, md5sum are GNU or Linux tools)"),
        (ReadlinkCanonical(), "readlink -f is GNU-only before macOS 12.3 (use cd \"$(dirname ...)\" && pwd -P)"),
    ];

    public static IEnumerable<string> Scripts() =>
        new[] { "samples", "eng", Path.Combine("eng", "lib") }
            .SelectMany(static folder => Directory.EnumerateFiles(RepositoryRoot.Combine(folder), "*.sh"))
            .Append(RepositoryRoot.Combine(".ci", "run"))
            .Order(StringComparer.Ordinal);

    [TestMethod]
    public void ScriptsUseOnlyPosixOptions()
    {
        var findings = Scripts().SelectMany(Violations).ToList();
        Assert.IsEmpty(findings, string.Join('\n', findings));
    }

    [TestMethod]
    [DataRow("find . -type f -printf '%s\\n'")]
    [DataRow("out=$(stat -c %s \"$f\")")]
    [DataRow("sed -i 's/a/b/' file")]
    [DataRow("grep -oP '\\d+' x")]
    [DataRow("date -d @0")]
    [DataRow("ls | xargs -r rm")]
    [DataRow("  flock 9")]
    [DataRow("echo $(nproc) cores")]
    [DataRow("timeout 5 cmd")]
    [DataRow("sort x | tac")]
    [DataRow("dir=$(readlink -f \"$0\")")]
    public void EachRuleCatchesWhatItNames(string line) =>
        Assert.IsNotEmpty(Violations("example.sh", [line]), line);

    [TestMethod]
    [DataRow("sed -i.bak 's/a/b/' file")]
    [DataRow("find . -type f | sort")]
    [DataRow("getconf _NPROCESSORS_ONLN")]
    [DataRow("# flock would be simpler, but macOS has none")]
    [DataRow("echo \"timeout: $t\"")]
    [DataRow("failed=$(( $(sum failed) + $(sum timeout) ))")]
    public void PortableLinesPass(string line) =>
        Assert.IsEmpty(Violations("example.sh", [line]), line);

    private static IEnumerable<string> Violations(string script) =>
        Violations(Path.GetRelativePath(RepositoryRoot.Path, script).Replace('\\', '/'), File.ReadAllLines(script));

    private static IEnumerable<string> Violations(string name, string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            var code = lines[i].TrimStart();
            if (code.StartsWith('#'))
            {
                continue;
            }

            foreach (var (pattern, why) in Rules)
            {
                if (pattern.IsMatch(code))
                {
                    yield return $"{name}:{i + 1}: {why}: {lines[i].Trim()}";
                }
            }
        }
    }

    [GeneratedRegex(@"\bfind\b.*\s-f?printf\b")]
    private static partial Regex FindPrintf();

    [GeneratedRegex(@"\bstat\s+(-c|--format|--printf)")]
    private static partial Regex StatFormat();

    [GeneratedRegex(@"\bsed\s+(-\w+\s+)*-i(\s|$)")]
    private static partial Regex SedInPlace();

    [GeneratedRegex(@"\bgrep\s+(-\w*P|--perl-regexp)")]
    private static partial Regex GrepPerl();

    [GeneratedRegex(@"\bdate\s+(-d|--date)\b")]
    private static partial Regex DateParse();

    [GeneratedRegex(@"\bxargs\s+(-r|--no-run-if-empty)\b")]
    private static partial Regex XargsNoRun();

    [GeneratedRegex(@"(^|[;|&(`]\s*)(flock|nproc|timeout|tac|numfmt|sha256sum|md5sum)(\s|\)|;|$)")]
    private static partial Regex GnuOnlyTools();

    [GeneratedRegex(@"\breadlink\s+-f\b")]
    private static partial Regex ReadlinkCanonical();
}
