namespace Atmos.Cache.Backends.Azure.Credentials;

/// <summary>A service principal's client secret (<c>AZURE_CLIENT_SECRET</c>) exchanged for a token.</summary>
internal sealed class ClientSecretSource(EntraTokenClient entra, string clientId, string clientSecret) : IAccessTokenSource
{
    public string Description => $"the client secret of {clientId} ({AzureEnvironment.ClientSecret})";

    public Task<AccessToken> GetTokenAsync(CancellationToken cancellationToken) => entra.WithSecretAsync(clientSecret, cancellationToken);
}
