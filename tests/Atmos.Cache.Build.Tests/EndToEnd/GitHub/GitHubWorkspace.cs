using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Atmos.Cache.Build.Tests.Support;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Build.Tests.EndToEnd.GitHub;

/// <summary>
/// A workspace of sample projects that use the packed package, restored once, whose builds run
/// with the environment of a GitHub Actions runner pointing at a cache service emulator (no
/// AtmosCacheBackend, so <c>auto</c> has to pick <c>github/actions</c>) and with
/// <c>AtmosCacheRoot</c> set to a root of the test's choosing.
/// </summary>
internal sealed class GitHubWorkspace : IDisposable
{
    private GitHubWorkspace(Workspace workspace) => Workspace = workspace;

    public Workspace Workspace { get; }

    /// <summary>Creates the projects (each a class library) and restores them.</summary>
    public static async Task<GitHubWorkspace> CreateAsync(params string[] projects)
    {
        var workspace = await Workspace.CreateAsync();
        // Like the shared workspace's marker target, but keyed on the AtmosCacheRoot property these
        // builds use, and with two switches: no marker (to see that the cache alone leaves the root
        // alone) and a rendezvous (two concurrent builds wait, after their restores, for each other).
        workspace.Write("Directory.Build.targets", """
            <Project>
              <Target Name="E2EWriteRootMarker" BeforeTargets="CoreCompile">
                <Error Condition="'$(E2EExpectRestore)' == 'true' and !Exists('$(AtmosCacheRoot)/.atmos-cache/state.json')"
                       Text="E2E: $(MSBuildProjectName) compiles before the cache restore happened" />
                <WriteLinesToFile Condition="'$(E2EWriteMarkers)' != 'false'" File="$(AtmosCacheRoot)/markers/$(MSBuildProjectName)-$(TargetFramework).txt" Lines="built" Overwrite="true" />
                <WriteLinesToFile Condition="'$(E2EReadyFile)' != ''" File="$(E2EReadyFile)" Lines="ready" Overwrite="true" />
                <!-- Bounded (60 s) wait for the other build's file: two processes cannot await each other otherwise. -->
                <Exec Condition="'$(E2EWaitForFile)' != ''" Command="for i in %24(seq 1 600); do [ -f '$(E2EWaitForFile)' ] &amp;&amp; exit 0; sleep 0.1; done; echo 'E2E: the other build never got ready' &gt;&amp;2; exit 1" />
              </Target>
            </Project>
            """);
        foreach (var project in projects)
        {
            workspace.AddProject(project);
            (await workspace.DotNetAsync(null, "restore", $"{project}/{project}.csproj")).AssertSucceeded("dotnet restore " + project);
        }

        return new GitHubWorkspace(workspace);
    }

    /// <summary>A root path (not created) for one build.</summary>
    public string NewRoot(string name) => Workspace.Combine("roots", name + "-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>
    /// <c>dotnet build</c> of <paramref name="target"/> (a project or solution path relative to the
    /// workspace) with <paramref name="root"/> as AtmosCacheRoot and <paramref name="environment"/>
    /// (a runner's variables) as the only GitHub variables it sees.
    /// </summary>
    public Task<CommandResult> BuildAsync(string target, string root, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Workspace.DotNetAsync(null, environment, ["build", target, "--no-restore", "-v:n", "-p:AtmosCacheRoot=" + root, .. arguments]);

    /// <summary>The variables a runner step gets, pointing at the session's emulator, changed as asked.</summary>
    public static Dictionary<string, string> RunnerEnvironment(EmulatorSession session, Action<Dictionary<string, string>>? change = null)
    {
        var variables = new Dictionary<string, string>(session.Emulator.Environment);
        change?.Invoke(variables);
        return variables;
    }

    /// <summary>Writes the toolchain lockfile the default key hashes.</summary>
    public static void WriteLockfile(string root, string content)
    {
        var path = Path.Combine(root, "toolchain", "toolchain.lock.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>
    /// The default key for a lockfile with this content, computed here from the documented rule
    /// (<c>atmos-cache-&lt;os&gt;-&lt;arch&gt;-&lt;first 16 hex of its SHA-256&gt;</c>), not by the engine.
    /// </summary>
    public static string DefaultKey(string lockfileContent) =>
        DefaultRestoreKey() + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lockfileContent)))[..16];

    /// <summary><c>atmos-cache-&lt;os&gt;-&lt;arch&gt;-</c> with Go's names.</summary>
    public static string DefaultRestoreKey()
    {
        var os = OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : "linux";
        var arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "amd64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "386",
            var other => other.ToString().ToLowerInvariant(),
        };
        return $"atmos-cache-{os}-{arch}-";
    }

    public void Dispose() => Workspace.Dispose();
}

/// <summary>What the GitHub end-to-end tests read from a build's console output.</summary>
internal static partial class BuildOutput
{
    /// <summary>
    /// The distinct ATMOSCACHE warnings. The console logger prints each twice (inline with the
    /// node number, e.g. <c>2&gt;</c>, and at -v:diag a timestamp, and again in the summary), so
    /// lines are compared without that prefix.
    /// </summary>
    public static IReadOnlyList<string> CacheWarnings(CommandResult result) =>
        [.. result.Lines
            .Where(line => line.Contains(": warning ATMOSCACHE", StringComparison.Ordinal))
            .Select(line => NodePrefix().Replace(line, ""))
            .Distinct(StringComparer.Ordinal)];

    [GeneratedRegex(@"^\s*(\d{2}:\d{2}:\d{2}\.\d+\s+)?(\d+>)?\s*")]
    private static partial Regex NodePrefix();

    /// <summary>Fails with the build's tail unless it has no ATMOSCACHE warning.</summary>
    public static void AssertNoCacheWarning(CommandResult result, string what)
    {
        var warnings = CacheWarnings(result);
        Assert.AreEqual(0, warnings.Count, $"{what}: {string.Join('\n', warnings)}\n{result.Tail()}");
    }
}
