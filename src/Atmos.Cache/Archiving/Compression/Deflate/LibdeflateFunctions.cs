using System.Runtime.InteropServices;

namespace Atmos.Cache.Archiving.Compression.Deflate;

/// <summary>The few libdeflate entry points the engine calls (stable since libdeflate 1.0), bound once.</summary>
internal sealed unsafe class LibdeflateFunctions
{
    private const int Success = 0;

    private delegate* unmanaged[Cdecl]<nint> _allocDecompressor;
    private delegate* unmanaged[Cdecl]<nint, void> _freeDecompressor;
    private delegate* unmanaged[Cdecl]<nint, byte*, nuint, byte*, nuint, nuint*, nuint*, int> _gzipDecompressEx;

    private LibdeflateFunctions()
    {
    }

    /// <summary>Binds every entry point, or returns null when one is missing.</summary>
    public static LibdeflateFunctions? TryBind(nint library)
    {
        nint Export(string name) => NativeLibrary.TryGetExport(library, name, out var address) ? address : 0;

        var f = new LibdeflateFunctions
        {
            _allocDecompressor = (delegate* unmanaged[Cdecl]<nint>)Export("libdeflate_alloc_decompressor"),
            _freeDecompressor = (delegate* unmanaged[Cdecl]<nint, void>)Export("libdeflate_free_decompressor"),
            _gzipDecompressEx = (delegate* unmanaged[Cdecl]<nint, byte*, nuint, byte*, nuint, nuint*, nuint*, int>)Export("libdeflate_gzip_decompress_ex"),
        };
        return f._allocDecompressor != null && f._freeDecompressor != null && f._gzipDecompressEx != null ? f : null;
    }

    /// <summary>
    /// Inflates one whole gzip member from <paramref name="member"/> into <paramref name="output"/>,
    /// which it must fill exactly, consuming all of the member; libdeflate checks the member's CRC-32
    /// and size. Never writes past <paramref name="output"/>. Throws <see cref="InvalidDataException"/> otherwise.
    /// </summary>
    public void InflateGzipMember(ReadOnlySpan<byte> member, Span<byte> output)
    {
        var decompressor = _allocDecompressor();
        if (decompressor == 0)
        {
            throw new OutOfMemoryException("libdeflate could not allocate a decompressor.");
        }

        try
        {
            int result;
            nuint consumed, produced;
            fixed (byte* input = member)
            fixed (byte* destination = output)
            {
                result = _gzipDecompressEx(decompressor, input, (nuint)member.Length, destination, (nuint)output.Length, &consumed, &produced);
            }

            if (result != Success || consumed != (nuint)member.Length || produced != (nuint)output.Length)
            {
                throw new InvalidDataException("a gzip chunk does not inflate to the length its index records");
            }
        }
        finally
        {
            _freeDecompressor(decompressor);
        }
    }
}
