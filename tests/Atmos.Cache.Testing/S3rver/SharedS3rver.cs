namespace Atmos.Cache.Testing.S3rver;

/// <summary>
/// One s3rver for the whole test run, started on first use and stopped by the test assembly's
/// cleanup. In CI (CI=true) an s3rver that cannot start fails the test, never skips it; on a
/// developer machine without Node.js the test is reported inconclusive with the reason.
/// </summary>
public static class SharedS3rver
{
    private static readonly Lazy<Task<S3rverServer>> Server = new(S3rverServer.StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The running s3rver's endpoint, e.g. <c>http://127.0.0.1:port</c>.</summary>
    public static async Task<Uri> EndpointAsync()
    {
        try
        {
            return (await Server.Value.ConfigureAwait(false)).Endpoint;
        }
        catch (Exception e)
        {
            var reason = $"s3rver is not running ({e.Message}). Run eng/install-s3rver.sh (needs Node.js and npm).";
            if (IsCi)
            {
                Assert.Fail("CI=true forbids skipping the tests that need s3rver: " + reason);
            }

            Assert.Inconclusive(reason);
            throw;
        }
    }

    /// <summary>Stops s3rver if it was started; call from an <c>[AssemblyCleanup]</c>.</summary>
    public static void Stop()
    {
        if (Server.IsValueCreated && Server.Value.IsCompletedSuccessfully)
        {
            Server.Value.Result.Dispose();
        }
    }
}
