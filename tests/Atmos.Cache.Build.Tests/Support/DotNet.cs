using System.Diagnostics;
using System.Text;

namespace Atmos.Cache.Build.Tests.Support;

/// <summary>The output of one <c>dotnet</c> command.</summary>
public sealed record CommandResult(int ExitCode, string Output)
{
    public IReadOnlyList<string> Lines { get; } = Output.Split('\n').Select(line => line.TrimEnd('\r')).ToList();

    /// <summary>The index of the first line that matches, or -1.</summary>
    public int IndexOf(Func<string, bool> match)
    {
        for (var i = 0; i < Lines.Count; i++)
        {
            if (match(Lines[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Lines that contain <paramref name="text"/>.</summary>
    public int Count(string text) => Lines.Count(line => line.Contains(text, StringComparison.Ordinal));

    public void AssertSucceeded(string what)
    {
        if (ExitCode != 0)
        {
            Assert.Fail($"{what} failed with exit code {ExitCode}:\n{Tail()}");
        }
    }

    public string Tail(int lines = 80) => string.Join('\n', Lines.TakeLast(lines));
}

/// <summary>
/// Runs the real <c>dotnet</c> CLI the way CI does, isolated from this machine: no node reuse,
/// no terminal logger, its own NuGet package folder, and none of the cache or GitHub variables
/// the test run itself might have inherited.
/// </summary>
public static class DotNet
{
    private static readonly string[] InheritedPrefixesToDrop = ["ATMOS_", "GITHUB_", "ACTIONS_", "MSBuild", "MSBUILD", "NUGET_", "XDG_CACHE_HOME", "DOTNET_HOST_PATH", "VSTEST", "TESTINGPLATFORM"];

    public static async Task<CommandResult> RunAsync(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.ToList())
        {
            if (InheritedPrefixesToDrop.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["MSBUILDTERMINALLOGGER"] = "off";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var output = new StringBuilder();
        var gate = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        lock (gate)
        {
            return new CommandResult(process.ExitCode, output.ToString());
        }
    }
}
