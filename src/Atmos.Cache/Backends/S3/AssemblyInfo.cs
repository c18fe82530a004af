using System.Runtime.CompilerServices;

// The S3 backend's tests check its signer, credential providers and client directly.
[assembly: InternalsVisibleTo("Atmos.Cache.S3.Tests")]
