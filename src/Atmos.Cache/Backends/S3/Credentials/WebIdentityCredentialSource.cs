namespace Atmos.Cache.Backends.S3.Credentials;

/// <summary>
/// <c>AWS_WEB_IDENTITY_TOKEN_FILE</c> with <c>AWS_ROLE_ARN</c> (and optionally
/// <c>AWS_ROLE_SESSION_NAME</c>): GitHub Actions OIDC (through aws-actions/configure-aws-credentials
/// or a token written to a file), EKS service accounts, GitLab ID tokens.
/// </summary>
internal sealed class WebIdentityCredentialSource(CredentialContext context) : IAwsCredentialSource
{
    public string Name => "web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN)";

    public async Task<AwsCredentials?> TryGetAsync(CancellationToken cancellationToken)
    {
        var tokenFile = AwsEnvironment.Value(context.Environment, AwsEnvironment.WebIdentityTokenFile);
        var roleArn = AwsEnvironment.Value(context.Environment, AwsEnvironment.RoleArn);
        if (tokenFile is null || roleArn is null)
        {
            return null;
        }

        var sessionName = AwsEnvironment.Value(context.Environment, AwsEnvironment.RoleSessionName);
        return await new StsWebIdentity(context).AssumeRoleAsync(tokenFile, roleArn, sessionName, Name, cancellationToken).ConfigureAwait(false);
    }
}
