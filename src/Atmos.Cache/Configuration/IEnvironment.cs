namespace Atmos.Cache.Configuration;

/// <summary>Reads environment variables; a seam so tests and MSBuild tasks need not touch process state.</summary>
public interface IEnvironment
{
    string? Get(string name);
}

/// <summary>The real process environment.</summary>
public sealed class ProcessEnvironment : IEnvironment
{
    public static readonly ProcessEnvironment Instance = new();
    public string? Get(string name) => Environment.GetEnvironmentVariable(name);
}

/// <summary>A fixed set of variables, for tests and for callers that build the environment themselves.</summary>
public sealed class DictionaryEnvironment(IReadOnlyDictionary<string, string> variables) : IEnvironment
{
    public string? Get(string name) => variables.TryGetValue(name, out var value) ? value : null;
}
