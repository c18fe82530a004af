namespace Atmos.Cache.Backends.Azure.Credentials;

/// <summary>A Microsoft Entra ID access token for Azure Storage and when it expires.</summary>
internal sealed record AccessToken(string Value, DateTimeOffset ExpiresOn)
{
    /// <summary>The token's value is a secret: a record's generated text would show it.</summary>
    public override string ToString() => $"access token expiring {ExpiresOn:u}";
}

/// <summary>Where access tokens come from: a client secret, a federated token, or a managed identity.</summary>
internal interface IAccessTokenSource
{
    /// <summary>How the token is obtained, for messages (never a secret).</summary>
    string Description { get; }

    Task<AccessToken> GetTokenAsync(CancellationToken cancellationToken);
}
