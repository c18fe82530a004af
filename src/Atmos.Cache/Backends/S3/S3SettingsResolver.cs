using Atmos.Cache.Backends.S3.Credentials;
using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.S3;

/// <summary>
/// Completes the configured S3 settings the way the AWS tools do: region from the setting, else
/// <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, the profile's <c>region</c>, else <c>us-east-1</c>;
/// endpoint from the setting, else <c>AWS_ENDPOINT_URL_S3</c>, <c>AWS_ENDPOINT_URL</c>, else AWS S3.
/// </summary>
internal static class S3SettingsResolver
{
    public static S3BackendSettings Resolve(S3Config config, IEnvironment environment, ICacheLogger logger)
    {
        if (string.IsNullOrWhiteSpace(config.Bucket))
        {
            throw new CacheConfigurationException(
                "The s3 backend needs a bucket: set the MSBuild property AtmosCacheS3Bucket (or ATMOS_CI_CACHE_S3_BUCKET, or ci.cache.s3.bucket in atmos.yaml).");
        }

        var region = config.Region
            ?? AwsEnvironment.Value(environment, AwsEnvironment.Region)
            ?? AwsEnvironment.Value(environment, AwsEnvironment.DefaultRegion)
            ?? ProfileCredentialSource.Region(environment)
            ?? S3BackendSettings.DefaultRegion;
        var endpointText = config.Endpoint
            ?? AwsEnvironment.Value(environment, AwsEnvironment.S3Endpoint)
            ?? AwsEnvironment.Value(environment, AwsEnvironment.Endpoint);
        Uri? endpoint = null;
        if (endpointText is not null)
        {
            if (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(endpoint.Query))
            {
                throw new CacheConfigurationException(
                    $"The S3 endpoint '{endpointText}' is not an http(s) URL without a query. Set AtmosCacheS3Endpoint to e.g. https://<account>.r2.cloudflarestorage.com or http://127.0.0.1:9000.");
            }

            if (endpoint.Scheme == "http" && !endpoint.IsLoopback)
            {
                // Allowed, as the AWS tools allow it (a MinIO service container); the secret key never travels, signatures do.
                logger.Log(CacheLogLevel.Detail, $"The S3 endpoint {endpoint.Host} uses plain http: content and session tokens travel unencrypted.");
            }
        }

        return new S3BackendSettings
        {
            Bucket = config.Bucket.Trim(),
            Prefix = config.Prefix,
            Region = region,
            Endpoint = endpoint,
            PathStyle = config.PathStyle,
        };
    }
}
