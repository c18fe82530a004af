namespace Atmos.Cache.GitHub.Tests.Infrastructure;

/// <summary>
/// Starts Azurite once for every test of this assembly. In CI (CI=true) a missing Azurite is a
/// failure, never a skip; on a developer machine without Node.js the tests that need it are
/// reported inconclusive with the reason.
/// </summary>
[TestClass]
public static class TestAssembly
{
    private static AzuriteServer? _azurite;
    private static string? _startupFailure;

    [AssemblyInitialize]
    public static async Task StartAzurite(TestContext context)
    {
        try
        {
            _azurite = await AzuriteServer.StartAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (!IsCi)
        {
            _startupFailure = e.Message;
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"Azurite could not be started, and CI=true forbids skipping the GitHub backend tests: {e.Message}", e);
        }
    }

    [AssemblyCleanup]
    public static void StopAzurite() => _azurite?.Dispose();

    /// <summary>The running Azurite's blob endpoint; fails (in CI) or is inconclusive (elsewhere) without one.</summary>
    public static Uri AzuriteBlobEndpoint
    {
        get
        {
            if (_azurite is not null)
            {
                return _azurite.BlobEndpoint;
            }

            var reason = $"Azurite is not running ({_startupFailure}). Run build/install-azurite.sh (needs Node.js and npm).";
            if (IsCi)
            {
                Assert.Fail(reason);
            }

            Assert.Inconclusive(reason);
            throw new InvalidOperationException(reason);
        }
    }

    private static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
