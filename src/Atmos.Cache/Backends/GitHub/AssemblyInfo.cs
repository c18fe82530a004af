using System.Runtime.CompilerServices;

// The GitHub backend's tests exercise its retry policy, redaction and repository parsing directly.
[assembly: InternalsVisibleTo("Atmos.Cache.GitHub.Tests")]
