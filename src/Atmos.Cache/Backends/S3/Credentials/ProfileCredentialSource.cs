using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.S3.Credentials;

/// <summary>
/// A profile of the shared files (<c>AWS_PROFILE</c>, else <c>default</c>): static keys
/// (<c>aws_access_key_id</c>, <c>aws_secret_access_key</c>, <c>aws_session_token</c>), or a role
/// assumed with a web identity token (<c>role_arn</c> with <c>web_identity_token_file</c>). Profiles
/// that need the AWS CLI itself (SSO, <c>credential_process</c>, <c>source_profile</c>) get a message
/// that says how to hand their credentials over instead.
/// </summary>
internal sealed class ProfileCredentialSource(CredentialContext context) : IAwsCredentialSource
{
    private static readonly string[] CliOnlySettings = ["sso_session", "sso_start_url", "credential_process", "source_profile", "credential_source"];

    public string Name => $"the AWS profile '{AwsEnvironment.ProfileName(context.Environment)}'";

    public async Task<AwsCredentials?> TryGetAsync(CancellationToken cancellationToken)
    {
        var name = AwsEnvironment.ProfileName(context.Environment);
        var files = SharedConfigFiles.Read(AwsEnvironment.CredentialsFilePath(context.Environment), AwsEnvironment.ConfigFilePath(context.Environment));
        var profile = files.Profile(name);
        if (profile is null)
        {
            if (AwsEnvironment.ProfileChosen(context.Environment))
            {
                throw new CacheUnavailableException(
                    $"The AWS profile '{name}' (AWS_PROFILE) is in neither '{AwsEnvironment.CredentialsFilePath(context.Environment)}' nor '{AwsEnvironment.ConfigFilePath(context.Environment)}'.");
            }

            return null;
        }

        var id = profile.GetValueOrDefault("aws_access_key_id");
        var secret = profile.GetValueOrDefault("aws_secret_access_key");
        if (!string.IsNullOrWhiteSpace(id) && !string.IsNullOrWhiteSpace(secret))
        {
            return new AwsCredentials(id, secret, profile.GetValueOrDefault("aws_session_token"), source: Name);
        }

        var roleArn = profile.GetValueOrDefault("role_arn");
        var tokenFile = profile.GetValueOrDefault("web_identity_token_file");
        if (!string.IsNullOrWhiteSpace(roleArn) && !string.IsNullOrWhiteSpace(tokenFile))
        {
            return await new StsWebIdentity(context)
                .AssumeRoleAsync(tokenFile, roleArn, profile.GetValueOrDefault("role_session_name"), Name, cancellationToken)
                .ConfigureAwait(false);
        }

        if (CliOnlySettings.FirstOrDefault(profile.ContainsKey) is { } setting)
        {
            throw new CacheUnavailableException(
                $"{Name} uses '{setting}', which only the AWS CLI and SDKs resolve. Export its credentials into the build's environment first, " +
                $"e.g. eval \"$(aws configure export-credentials --profile {name} --format env)\".");
        }

        return null;
    }

    /// <summary>The profile's <c>region</c>, if its files set one.</summary>
    public static string? Region(Configuration.IEnvironment environment)
    {
        try
        {
            var files = SharedConfigFiles.Read(AwsEnvironment.CredentialsFilePath(environment), AwsEnvironment.ConfigFilePath(environment));
            return files.Profile(AwsEnvironment.ProfileName(environment))?.GetValueOrDefault("region") is { Length: > 0 } region ? region : null;
        }
        catch (CacheUnavailableException)
        {
            return null;
        }
    }
}
