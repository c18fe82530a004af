using Atmos.Cache.Configuration;

namespace Atmos.Cache.Backends.S3.Credentials;

/// <summary>The environment variables the AWS tools read, by name, and where the shared files are.</summary>
internal static class AwsEnvironment
{
    public const string AccessKeyId = "AWS_ACCESS_KEY_ID";
    public const string SecretAccessKey = "AWS_SECRET_ACCESS_KEY";
    public const string SessionToken = "AWS_SESSION_TOKEN";
    public const string Profile = "AWS_PROFILE";
    public const string SharedCredentialsFile = "AWS_SHARED_CREDENTIALS_FILE";
    public const string ConfigFile = "AWS_CONFIG_FILE";
    public const string Region = "AWS_REGION";
    public const string DefaultRegion = "AWS_DEFAULT_REGION";
    public const string WebIdentityTokenFile = "AWS_WEB_IDENTITY_TOKEN_FILE";
    public const string RoleArn = "AWS_ROLE_ARN";
    public const string RoleSessionName = "AWS_ROLE_SESSION_NAME";
    public const string StsEndpoint = "AWS_ENDPOINT_URL_STS";
    public const string S3Endpoint = "AWS_ENDPOINT_URL_S3";
    public const string Endpoint = "AWS_ENDPOINT_URL";
    public const string ContainerRelativeUri = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
    public const string ContainerFullUri = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    public const string ContainerToken = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
    public const string ContainerTokenFile = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
    public const string MetadataDisabled = "AWS_EC2_METADATA_DISABLED";
    public const string MetadataEndpoint = "AWS_EC2_METADATA_SERVICE_ENDPOINT";

    /// <summary>A variable's trimmed value, or null when unset or blank.</summary>
    public static string? Value(IEnvironment environment, string name) =>
        environment.Get(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>The profile in use: <c>AWS_PROFILE</c>, else <c>AWS_DEFAULT_PROFILE</c>, else <c>default</c>.</summary>
    public static string ProfileName(IEnvironment environment) =>
        Value(environment, Profile) ?? Value(environment, "AWS_DEFAULT_PROFILE") ?? "default";

    public static bool ProfileChosen(IEnvironment environment) =>
        Value(environment, Profile) is not null || Value(environment, "AWS_DEFAULT_PROFILE") is not null;

    public static string CredentialsFilePath(IEnvironment environment) =>
        ExpandHome(Value(environment, SharedCredentialsFile), environment) ?? Path.Combine(Home(environment), ".aws", "credentials");

    public static string ConfigFilePath(IEnvironment environment) =>
        ExpandHome(Value(environment, ConfigFile), environment) ?? Path.Combine(Home(environment), ".aws", "config");

    private static string Home(IEnvironment environment) =>
        Value(environment, "HOME") ?? Value(environment, "USERPROFILE") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static string? ExpandHome(string? path, IEnvironment environment) =>
        path is not null && path.StartsWith('~') ? Home(environment) + path[1..] : path;
}
