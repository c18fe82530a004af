using System.Runtime.CompilerServices;

// The Azure backend's tests check its signer, credential sources and client directly.
[assembly: InternalsVisibleTo("Atmos.Cache.Azure.Tests")]
