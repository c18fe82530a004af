using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.S3.Credentials;
using Atmos.Cache.Configuration;
using Atmos.Cache.Testing;

namespace Atmos.Cache.S3.Tests.Credentials;

/// <summary>An environment with a private HOME (no real ~/.aws) and a credential context over it.</summary>
internal sealed class CredentialTestContext : IDisposable
{
    private readonly TempFolder _home = new();
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    public CredentialTestContext()
    {
        _variables["HOME"] = _home.Path;
        // Nothing in these tests may wander off to a real metadata service.
        _variables[AwsEnvironment.MetadataDisabled] = "true";
    }

    public string Home => _home.Path;

    public CapturingLogger Logger { get; } = new();

    public CredentialTestContext Set(string name, string value)
    {
        _variables[name] = value;
        return this;
    }

    public CredentialTestContext Unset(string name)
    {
        _variables.Remove(name);
        return this;
    }

    public string WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(_home.Path, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public CredentialContext Context(Uri? containerHost = null, Uri? metadata = null) =>
        new(new DictionaryEnvironment(new Dictionary<string, string>(_variables)), new HttpClient(), new RetrySettings { MaxAttempts = 2, Delay = new DelayRecorder().Delay }, "us-east-1", Logger)
        {
            ContainerHost = containerHost ?? new Uri("http://127.0.0.1:9"),
            MetadataEndpoint = metadata ?? new Uri("http://127.0.0.1:9"),
        };

    public void Dispose() => _home.Dispose();
}
