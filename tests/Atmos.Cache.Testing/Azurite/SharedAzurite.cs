
namespace Atmos.Cache.Testing.Azurite;

/// <summary>
/// One Azurite for the whole test run, started on first use and stopped by the test assembly's
/// cleanup. In CI (CI=true) an Azurite that cannot start fails the test, never skips it; on a
/// developer machine without Node.js the test is reported inconclusive with the reason.
/// </summary>
public static class SharedAzurite
{
    private static readonly Lazy<Task<AzuriteServer>> Server = new(AzuriteServer.StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The running Azurite's blob endpoint, e.g. <c>http://127.0.0.1:port/devstoreaccount1</c>.</summary>
    public static async Task<Uri> BlobEndpointAsync()
    {
        try
        {
            return (await Server.Value.ConfigureAwait(false)).BlobEndpoint;
        }
        catch (Exception e)
        {
            var reason = $"Azurite is not running ({e.Message}). Run eng/install-azurite.sh (needs Node.js and npm).";
            if (IsCi)
            {
                Assert.Fail("CI=true forbids skipping the tests that need Azurite: " + reason);
            }

            Assert.Inconclusive(reason);
            throw;
        }
    }

    /// <summary>Stops Azurite if it was started; call from an <c>[AssemblyCleanup]</c>.</summary>
    public static void Stop()
    {
        if (Server.IsValueCreated && Server.Value.IsCompletedSuccessfully)
        {
            Server.Value.Result.Dispose();
        }
    }
}
