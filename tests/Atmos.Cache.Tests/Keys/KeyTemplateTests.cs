using Atmos.Cache.Errors;
using Atmos.Cache.Keys;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Keys;

/// <summary>
/// The key template language is Go's text/template: these expectations are what Go 1.22+ prints for each
/// template (beyond the golden cases of <see cref="GoldenKeyTests"/>).
/// </summary>
[TestClass]
public sealed class KeyTemplateTests
{
    private static string Render(string template)
    {
        using var dir = new TempFolder();
        return KeyTemplate.Render(template, dir.Path);
    }

    private static CacheConfigurationException Refuse(string template) =>
        Assert.ThrowsExactly<CacheConfigurationException>(() => Render(template));

    [TestMethod]
    public void LiteralTextIsKeptAsWritten() =>
        Assert.AreEqual("my-cache-v1", Render("my-cache-v1"));

    [TestMethod]
    public void OsAndArchRenderGoNames() =>
        Assert.AreEqual($"k-{KeyExpectations.Os}-{KeyExpectations.Arch}", Render("k-{{.OS}}-{{ .Arch }}"));

    [TestMethod]
    public void RenderedKeyIsTrimmed() =>
        Assert.AreEqual(KeyExpectations.Os, Render("  \n {{.OS}} \t\n"));

    [TestMethod]
    public void LeftTrimMarkerRemovesWhitespaceBeforeTheAction() =>
        Assert.AreEqual($"a{KeyExpectations.Os} b", Render("a \n\t {{- .OS }} b"));

    [TestMethod]
    public void RightTrimMarkerRemovesWhitespaceAfterTheAction() =>
        Assert.AreEqual($"a {KeyExpectations.Os}b", Render("a {{ .OS -}} \n b"));

    [TestMethod]
    public void TrimMarkersAroundACommentJoinTheText() =>
        Assert.AreEqual("ab", Render("a  {{- /* gone */ -}}\n  b"));

    [TestMethod]
    public void CommentsRenderNothingAndMaySpanLines() =>
        Assert.AreEqual("k-v2", Render("k-{{/* first\nsecond */}}v2"));

    [TestMethod]
    public void ClosingBracesInPlainTextAreLiteral() =>
        Assert.AreEqual("a}}b", Render("a}}b"));

    [TestMethod]
    public void GoEscapesInDoubleQuotedStringsAreDecoded() =>
        Assert.AreEqual("abc\u00e9\"", Render("{{ \"\\x61\\142\\u0063\\U000000e9\\\"\" }}"));

    [TestMethod]
    [DataRow("{{ 0x1F }}|{{ 0o17 }}|{{ 0b101 }}|{{ 1_000 }}|{{ 017 }}|{{ -5 }}|{{ +5 }}", "31|15|5|1000|15|-5|5")]
    [DataRow("{{ 2.50 }}|{{ .5 }}|{{ 1e21 }}|{{ 1e6 }}|{{ 100000.0 }}|{{ 1e-5 }}", "2.5|0.5|1e+21|1e+06|100000|1e-05")]
    [DataRow("{{ 'é' }}|{{ printf \"%c%c\" 'h' 'i' }}|{{ '\\n' }}", "233|hi|10")]
    public void NumberAndCharacterConstantsPrintAsGoPrintsThem(string template, string expected) =>
        Assert.AreEqual(expected, Render(template));

    [TestMethod]
    [DataRow("{{ printf \"%d\" \"x\" }}", "%!d(string=x)")]
    [DataRow("{{ printf \"%d %d\" 1 }}", "1 %!d(MISSING)")]
    [DataRow("{{ printf \"%d\" 1 2 }}", "1%!(EXTRA int=2)")]
    [DataRow("{{ printf \"%z\" 1 }}", "%!z(int=1)")]
    [DataRow("{{ printf \"k%\" }}", "k%!(NOVERB)")]
    [DataRow("{{ printf \"%s\" nil }}", "%!s(<nil>)")]
    [DataRow("{{ printf \"%e|%E\" 1234.5678 0.00012 }}", "1.234568e+03|1.200000E-04")]
    [DataRow("{{ printf \"%g|%G|%.3g\" 0.000012 1e21 1234.5678 }}", "1.2e-05|1E+21|1.23e+03")]
    [DataRow("k{{ printf \"%8.3f|%-8.2f|%08.3f|%+.1f\" 3.14159 2.5 -3.14159 2.0 }}", "k   3.142|2.50    |-003.142|+2.0")]
    [DataRow("{{ printf \"%.0f %.0f %.0f %.1f\" 0.5 1.5 2.5 0.05 }}", "0 2 2 0.1")]
    [DataRow("{{ printf \"%U|%#U|%q|%+q\" 0x1F600 65 65 \"é\" }}", "U+1F600|U+0041 'A'|'A'|\"\\u00e9\"")]
    [DataRow("{{ printf \"% x|%#x|%X|%x\" \"hi\" \"hi\" 255 -255 }}", "68 69|0x6869|FF|-ff")]
    [DataRow("{{ printf \"%#o|%b|%O|%05d|%-5d|\" 8 5 8 -42 7 }}", "010|101|0o10|-0042|7    |")]
    [DataRow("k{{ printf \"%5t|%-6v|%.2s|%q\" true false \"héllo\" \"a\\tb\" }}", "k true|false |hé|\"a\\tb\"")]
    [DataRow("k{{ printf \"%*d|%-*d|%.*f\" 5 42 4 1 2 3.14159 }}", "k   42|1   |3.14")]
    [DataRow("{{ printf \"%[2]s-%[1]s\" \"a\" \"b\" }}", "b-a")]
    [DataRow("{{ printf \"%T %T %T %T\" 1 1.5 \"s\" true }}", "int float64 string bool")]
    public void PrintfFollowsGoFmt(string template, string expected) =>
        Assert.AreEqual(expected, Render(template));

    [TestMethod]
    public void PrintAddsSpacesOnlyBetweenNonStringOperands() =>
        Assert.AreEqual("1 2.5 truex<nil>", Render("{{ print 1 2.5 true \"x\" nil }}"));

    [TestMethod]
    [DataRow("{{ html \"a\\\"b\" }}", "a&#34;b")]
    [DataRow("{{ js \"a\\nb=c&\" }}", "a\\u000Ab\\u003Dc\\u0026")]
    [DataRow("{{ urlquery \"ü/?\" }}", "%C3%BC%2F%3F")]
    [DataRow("{{ html 1 2 }}", "1 2")]
    public void EscapersMatchGo(string template, string expected) =>
        Assert.AreEqual(expected, Render(template));

    [TestMethod]
    [DataRow("{{ not 0 }}{{ not \"\" }}{{ not 1.5 }}", "truetruefalse")]
    [DataRow("{{ and 1 0 2 }}|{{ or 0 \"x\" }}", "0|x")]
    [DataRow("k{{ and \"\" (index \"a\" 5) }}|{{ or \"x\" (index \"a\" 5) }}", "k|x")]
    [DataRow("{{ eq (index \"l\" 0) 108 }}|{{ ne 1 2 }}|{{ lt \"a\" \"b\" }}|{{ ge 2.5 2.5 }}", "true|true|true|true")]
    [DataRow("{{ slice \"hello\" 1 3 }}|{{ slice \"hello\" 2 }}|{{ slice \"hello\" }}", "el|llo|hello")]
    [DataRow("{{ len . }}|{{ index . \"OS\" | len | lt 0 }}", "2|true")]
    public void BuiltinsFollowGoSemantics(string template, string expected) =>
        Assert.AreEqual(expected, Render(template));

    [TestMethod]
    public void RangeOverTheDataVisitsKeysInSortedOrder() =>
        Assert.AreEqual(
            $"Arch={KeyExpectations.Arch};OS={KeyExpectations.Os};",
            Render("{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}"));

    [TestMethod]
    [DataRow("{{ range 3 }}{{ . }}{{ end }}", "012")]
    [DataRow("{{ range $i := 5 }}{{ if eq $i 3 }}{{ break }}{{ end }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ $i }}{{ end }}", "02")]
    [DataRow("k{{ range 0 }}x{{ else }}-none{{ end }}", "k-none")]
    [DataRow("{{ with $x := \"a\" }}{{ $x }}{{ . }}{{ end }}", "aa")]
    [DataRow("{{ with \"\" }}x{{ else with \"b\" }}{{ . }}{{ end }}", "b")]
    [DataRow("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", "2")]
    [DataRow("{{ define \"d\" }}<{{ . }}>{{ end }}{{ template \"d\" \"x\" }}{{ template \"d\" }}", "<x><<no value>>")]
    [DataRow("{{ define \"r\" }}{{ if gt . 0 }}{{ . }}{{ template \"r\" (len (slice \"xxxx\" 1 .)) }}{{ end }}{{ end }}{{ template \"r\" 3 }}", "321")]
    [DataRow("{{ (printf \"%s-%s\" \"a\" \"b\") }}|{{ \"a\" | printf \"%s%s\" \"b\" }}", "a-b|ba")]
    public void ControlStructuresFollowGoSemantics(string template, string expected) =>
        Assert.AreEqual(expected, Render(template));

    [TestMethod]
    [DataRow("k-{{ .Missing }}", "map has no entry for key \"Missing\"", 1, 6)]
    [DataRow("a\n{{ nofunc }}", "function \"nofunc\" not defined", 2, 4)]
    [DataRow("k-{{ .OS", "unclosed action", 1, 3)]
    [DataRow("{{ if }}x{{ end }}", "missing value for if", 1, 7)]
    [DataRow("{{ .OS.X }}", "can't evaluate field X in type string", 1, 4)]
    [DataRow("{{ .OS \"x\" }}", "OS is not a method but has arguments", 1, 4)]
    [DataRow("{{ \"x\" | \"y\" }}", "non executable command in pipeline stage 2", 1, 10)]
    [DataRow("{{ len 3 }}", "error calling len: len of type int", 1, 4)]
    [DataRow("{{ lt true false }}", "invalid type for comparison", 1, 4)]
    [DataRow("{{ eq 1 1.0 }}", "incompatible types for comparison", 1, 4)]
    [DataRow("{{ slice \"hello\" 3 1 }}", "invalid slice index: 3 > 1", 1, 4)]
    [DataRow("{{ index \"ab\" 5 }}", "index out of range: 5", 1, 4)]
    [DataRow("{{ nil }}", "nil is not a command", 1, 4)]
    [DataRow("{{ hashFiles .OS 1 }}", "expected string; found 1", 1, 18)]
    [DataRow("{{ len \"x\" | hashFiles }}", "wrong type for value; expected string; got int", 1, 14)]
    [DataRow("{{ not 1 2 }}", "wrong number of args for not: want 1 got 2", 1, 4)]
    [DataRow("{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}", "undefined variable \"$y\"", 1, 39)]
    [DataRow("{{ template \"none\" }}", "no such template \"none\"", 1, 4)]
    [DataRow("{{ define \"a\" }}x{{ end }}{{ define \"a\" }}y{{ end }}", "multiple definition of template \"a\"", 1, 37)]
    [DataRow("{{ break }}", "{{break}} outside {{range}}", 1, 4)]
    [DataRow("{{ else }}", "unexpected {{else}}", 1, 4)]
    [DataRow("{{ if 1 }}x", "unexpected EOF", 1, 12)]
    [DataRow("{{ \"a\\qb\" }}", "unknown escape", 1, 4)]
    [DataRow("{{/* open }}", "unclosed comment", 1, 1)]
    [DataRow("a {{-.OS}}", "bad number syntax", 1, 5)]
    public void RefusalsNameTheTemplateTheProblemAndThePosition(string template, string problem, int line, int column)
    {
        var error = Refuse(template);
        KeyExpectations.MessageContains(error, $"\"{template}\"", problem, $"line {line}, column {column}");
    }

    [TestMethod]
    [DataRow("   ")]
    [DataRow("{{/* only a comment */}}")]
    [DataRow(" {{ \" \" }} ")]
    public void TemplateThatRendersToNothingIsAnError(string template)
    {
        var error = Refuse(template);
        KeyExpectations.MessageContains(error, $"\"{template}\"", "empty");
    }
}
