namespace Atmos.Cache.Configuration;

/// <summary>A likely mistake in a configuration file that does not stop the build: where it is and what to change.</summary>
public sealed record ConfigurationWarning(string File, int Line, int Column, string Message);
