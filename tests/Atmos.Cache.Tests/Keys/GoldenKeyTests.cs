using System.Text.Json;
using Atmos.Cache.Errors;
using Atmos.Cache.Keys;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Keys;

/// <summary>
/// Every template of <c>tests/golden/atmos/keys.json</c> (rendered by the Atmos CLI's own code over its
/// fixture tree) renders here to the same key, or is refused where Atmos refuses it.
/// </summary>
[TestClass]
public sealed class GoldenKeyTests
{
    private const string GoldenOs = "linux";
    private const string GoldenArch = "amd64";

    private static readonly Lazy<JsonDocument> Golden = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("tests", "golden", "atmos", "keys.json"))));

    private static TempFolder? _fixture;

    [ClassInitialize]
    public static void CreateFixture(TestContext context)
    {
        _ = context;
        _fixture = new TempFolder("atmos-golden-keys");
        var ws = Path.Combine(_fixture.Path, "ws");
        Directory.CreateDirectory(ws);
        foreach (var entry in Golden.Value.RootElement.GetProperty("fixture").EnumerateArray())
        {
            var relative = entry.GetProperty("path").GetString()!.TrimEnd('/');
            var full = Path.Combine(ws, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            if (entry.TryGetProperty("folder", out _))
            {
                Directory.CreateDirectory(full);
            }
            else if (entry.TryGetProperty("symlink", out var target))
            {
                File.CreateSymbolicLink(full, target.GetString()!);
            }
            else
            {
                File.WriteAllText(full, entry.GetProperty("content").GetString()!);
            }
        }
    }

    [ClassCleanup]
    public static void DeleteFixture() => _fixture?.Dispose();

    public static IEnumerable<object[]> Cases() =>
        Golden.Value.RootElement.GetProperty("cases").EnumerateArray().Select((c, i) => new object[] { i, c.GetProperty("template").GetString()! });

    public static string CaseName(System.Reflection.MethodInfo method, object[] data) => $"{method.Name} #{data[0]}: {data[1]}";

    [TestMethod]
    public void TheGoldenFileHoldsFiftyCases() => Assert.AreEqual(50, Cases().Count());

    [TestMethod]
    [DynamicData(nameof(Cases), DynamicDataDisplayName = nameof(CaseName))]
    public void RendersAsTheAtmosCli(int index, string template)
    {
        var golden = Golden.Value.RootElement.GetProperty("cases")[index];
        var platformDependent = template.Contains(".OS", StringComparison.Ordinal) || template.Contains(".Arch", StringComparison.Ordinal);
        if (platformDependent && (KeyExpectations.Os != GoldenOs || KeyExpectations.Arch != GoldenArch))
        {
            Assert.Inconclusive($"Rendered by Atmos on {GoldenOs}/{GoldenArch}; this runner is {KeyExpectations.Os}/{KeyExpectations.Arch}.");
        }

        var ws = Path.Combine(_fixture!.Path, "ws");
        if (golden.TryGetProperty("error", out var error) && error.GetBoolean())
        {
            var refused = Assert.ThrowsExactly<CacheConfigurationException>(() => KeyTemplate.Render(template, ws));
            KeyExpectations.MessageContains(refused, $"\"{template}\"", "line ", "column ");
            return;
        }

        Assert.AreEqual(golden.GetProperty("expected").GetString(), KeyTemplate.Render(template, ws));
    }
}
