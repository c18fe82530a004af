namespace Atmos.Cache.Backends.Azure.Credentials;

/// <summary>
/// Workload identity federation: a token the CI or the cluster issued (an OIDC JWT) presented as the
/// client assertion of an app registration or managed identity that trusts its issuer and subject.
/// The assertion is fetched anew for each access token: CI tokens are short-lived.
/// </summary>
internal sealed class FederatedTokenSource(EntraTokenClient entra, IClientAssertion assertion) : IAccessTokenSource
{
    public string Description => assertion.Description;

    public async Task<AccessToken> GetTokenAsync(CancellationToken cancellationToken)
    {
        var jwt = await assertion.GetAsync(cancellationToken).ConfigureAwait(false);
        return await entra.WithAssertionAsync(jwt, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Where a federated token comes from.</summary>
internal interface IClientAssertion
{
    string Description { get; }

    Task<string> GetAsync(CancellationToken cancellationToken);
}
