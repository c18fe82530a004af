using Atmos.Cache.Archiving;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Support;

/// <summary>Extracts an archive that must be refused over a root that already holds a file, and checks the root kept it.</summary>
internal static class RefusedExtraction
{
    public static async Task AssertRefusedAndRootUnchangedAsync<TException>(TempFolder temp, string archive)
        where TException : Exception
    {
        var root = temp.Combine("root");
        temp.WriteFile("root/lib/data.bin", "an older copy");
        var before = TreeListing.Of(root);

        await Assert.ThrowsExactlyAsync<TException>(
            () => ArchiveExtractor.ExtractAsync(archive, root, new ExtractOptions(), CancellationToken.None));

        TreeListing.AssertSame(before, TreeListing.Of(root));
    }
}
