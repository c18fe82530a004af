using Atmos.Cache.Errors;
using Atmos.Cache.Keys;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Keys;

[TestClass]
public sealed class KeyTemplateTests
{
    private static string Render(string template)
    {
        using var dir = new TempFolder();
        return KeyTemplate.Render(template, dir.Path);
    }

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
    public void DashWithoutSpaceIsNotATrimMarker()
    {
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => Render("a {{-.OS}}"));
        KeyExpectations.MessageContains(error, "a {{-.OS}}");
    }

    [TestMethod]
    public void StringConstantRendersItsValue() =>
        Assert.AreEqual("k-lit\t1", Render("k-{{ \"lit\\t1\" }}"));

    [TestMethod]
    public void RawStringKeepsBackslashesLiterally() =>
        Assert.AreEqual(@"k-a\nb", Render("k-{{ `a\\nb` }}"));

    [TestMethod]
    public void ClosingBracesInPlainTextAreLiteral() =>
        Assert.AreEqual("a}}b", Render("a}}b"));

    [TestMethod]
    public void GoEscapesInDoubleQuotedStringsAreDecoded() =>
        Assert.AreEqual("abc\u00e9\"", Render("{{ \"\\x61\\142\\u0063\\U000000e9\\\"\" }}"));

    [TestMethod]
    [DataRow("{{ .Nope }}", ".Nope")]
    [DataRow("{{ .os }}", ".os")]
    [DataRow("k-{{ .OS", "never closed")]
    [DataRow("{{ .OS | printf }}", "pipes")]
    [DataRow("{{ env \"HOME\" }}", "unknown function 'env'")]
    [DataRow("{{ if .OS }}x{{ end }}", "'if'")]
    [DataRow("{{ hashFiles \"a\" .OS }}", "hashFiles takes quoted strings")]
    [DataRow("{{ hashFiles 1 }}", "unexpected '1'")]
    [DataRow("{{ hashFiles \"a }}", "never closed")]
    [DataRow("{{ \"a\\qb\" }}", "unknown escape")]
    [DataRow("{{/* open }}", "comment")]
    [DataRow("{{/* c */ x}}", "comment")]
    [DataRow("{{ }}", "empty")]
    [DataRow("{{ .OS.Name }}", "field chain")]
    [DataRow("{{ .OS \"x\" }}", "takes no arguments")]
    [DataRow("{{ (hashFiles \"a\") }}", "parentheses")]
    [DataRow("{{ $x }}", "variables")]
    public void UnsupportedTemplatesAreConfigurationErrorsNamingTheTemplate(string template, string problem)
    {
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => Render(template));
        KeyExpectations.MessageContains(error, $"\"{template}\"", problem);
    }

    [TestMethod]
    [DataRow("   ")]
    [DataRow("{{/* only a comment */}}")]
    [DataRow(" {{ \" \" }} ")]
    public void TemplateThatRendersToNothingIsAnError(string template)
    {
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => Render(template));
        KeyExpectations.MessageContains(error, $"\"{template}\"", "empty");
    }
}
