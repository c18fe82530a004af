using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.GitHub.Http;

/// <summary>Credentials travel only over https, or to this machine (local emulators and tests).</summary>
internal static class CredentialGuard
{
    public static Uri ParseServiceUrl(string value, string variable)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            throw new CacheConfigurationException($"{variable} is not an http(s) URL. Set it to the service's base URL.");
        }

        if (url.Scheme == "http" && !url.IsLoopback)
        {
            throw new CacheConfigurationException(
                $"{variable} uses plain http to a remote host ({url.Host}); credentials are only sent over https. Use an https URL.");
        }

        return url;
    }
}
