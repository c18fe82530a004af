using System.Diagnostics;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>Runs command-line tools (GNU tar, zstd) that the compatibility tests compare against.</summary>
internal static class Tools
{
    public static bool Exists(string tool)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, tool)));
    }

    /// <summary>Runs a tool and returns its standard output; fails the test on a non-zero exit.</summary>
    public static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, $"{tool} {string.Join(' ', arguments)} failed: {stderr.Result}");
        return stdout;
    }
}
