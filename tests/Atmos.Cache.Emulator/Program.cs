using System.Globalization;

namespace Atmos.Cache.Emulator;

/// <summary>
/// Runs the emulator on its own:
/// <c>dotnet run --project tests/Atmos.Cache.Emulator -- --azurite http://127.0.0.1:10000/devstoreaccount1
/// [--port N] [--runtime-token T] [--rest-token T] [--repository owner/repo] [--page-size N] [--conflict-as-error] [--direct-blobs]</c>.
/// Prints the environment a client needs, then serves until Ctrl+C.
/// </summary>
public static class EmulatorProgram
{
    public static async Task<int> Main(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--conflict-as-error" or "--direct-blobs")
            {
                flags.Add(args[i]);
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                values[args[i]] = args[++i];
            }
            else
            {
                return Usage($"unexpected argument '{args[i]}'");
            }
        }

        if (!values.TryGetValue("--azurite", out var azurite) || !Uri.TryCreate(azurite, UriKind.Absolute, out var endpoint))
        {
            return Usage("--azurite <blob endpoint> is required");
        }

        var defaults = new EmulatorOptions { AzuriteBlobEndpoint = endpoint };
        var options = defaults with
        {
            Port = values.TryGetValue("--port", out var port) ? int.Parse(port, CultureInfo.InvariantCulture) : 0,
            RuntimeToken = values.GetValueOrDefault("--runtime-token", defaults.RuntimeToken),
            RestToken = values.GetValueOrDefault("--rest-token", defaults.RestToken),
            Repository = values.GetValueOrDefault("--repository", defaults.Repository),
            MaxPageSize = values.TryGetValue("--page-size", out var pageSize) ? int.Parse(pageSize, CultureInfo.InvariantCulture) : defaults.MaxPageSize,
            ConflictAsTwirpError = flags.Contains("--conflict-as-error"),
            DirectBlobUrls = flags.Contains("--direct-blobs"),
        };

        await using var emulator = await CacheServiceEmulator.StartAsync(options, logToConsole: true).ConfigureAwait(false);
        Console.WriteLine($"Cache service emulator listening on {emulator.BaseUrl} (container {options.Container}). Environment for clients:");
        foreach (var (name, value) in emulator.Environment)
        {
            Console.WriteLine($"{name}={value}");
        }

        await emulator.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"error: {problem}");
        Console.Error.WriteLine("usage: Atmos.Cache.Emulator --azurite <blob endpoint> [--port N] [--runtime-token T] [--rest-token T] [--repository owner/repo] [--page-size N] [--conflict-as-error] [--direct-blobs]");
        return 2;
    }
}
