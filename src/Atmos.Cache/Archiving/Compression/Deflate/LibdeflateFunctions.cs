using System.Runtime.InteropServices;

namespace Atmos.Cache.Archiving.Compression.Deflate;

/// <summary>The few libdeflate entry points the engine calls (all present since libdeflate 1.0), bound once.</summary>
internal sealed unsafe class LibdeflateFunctions
{
    private const int Success = 0;

    private delegate* unmanaged[Cdecl]<nint> _allocDecompressor;
    private delegate* unmanaged[Cdecl]<nint, void> _freeDecompressor;
    private delegate* unmanaged[Cdecl]<nint, byte*, nuint, byte*, nuint, nuint*, nuint*, int> _gzipDecompressEx;
    private delegate* unmanaged[Cdecl]<int, nint> _allocCompressor;
    private delegate* unmanaged[Cdecl]<nint, void> _freeCompressor;
    private delegate* unmanaged[Cdecl]<nint, byte*, nuint, byte*, nuint, nuint> _gzipCompress;
    private delegate* unmanaged[Cdecl]<nint, nuint, nuint> _gzipCompressBound;

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
            _allocCompressor = (delegate* unmanaged[Cdecl]<int, nint>)Export("libdeflate_alloc_compressor"),
            _freeCompressor = (delegate* unmanaged[Cdecl]<nint, void>)Export("libdeflate_free_compressor"),
            _gzipCompress = (delegate* unmanaged[Cdecl]<nint, byte*, nuint, byte*, nuint, nuint>)Export("libdeflate_gzip_compress"),
            _gzipCompressBound = (delegate* unmanaged[Cdecl]<nint, nuint, nuint>)Export("libdeflate_gzip_compress_bound"),
        };
        return f._allocDecompressor != null && f._freeDecompressor != null && f._gzipDecompressEx != null
            && f._allocCompressor != null && f._freeCompressor != null && f._gzipCompress != null && f._gzipCompressBound != null
            ? f
            : null;
    }

    /// <summary>A compressor at <paramref name="level"/> (1-12), to be given back with <see cref="FreeCompressor"/>.</summary>
    public nint AllocateCompressor(int level)
    {
        var compressor = _allocCompressor(level);
        return compressor != 0 ? compressor : throw new OutOfMemoryException("libdeflate could not allocate a compressor.");
    }

    public void FreeCompressor(nint compressor) => _freeCompressor(compressor);

    /// <summary>The most bytes one gzip member of <paramref name="length"/> input bytes can take.</summary>
    public int GzipBound(nint compressor, int length) => checked((int)_gzipCompressBound(compressor, (nuint)length));

    /// <summary>
    /// Compresses <paramref name="input"/> into one whole gzip member in <paramref name="output"/>
    /// (at least <see cref="GzipBound"/> long) and returns its length.
    /// </summary>
    public int CompressGzipMember(nint compressor, ReadOnlySpan<byte> input, Span<byte> output)
    {
        nuint written;
        fixed (byte* source = input)
        fixed (byte* destination = output)
        {
            written = _gzipCompress(compressor, source, (nuint)input.Length, destination, (nuint)output.Length);
        }

        // Zero means the output buffer was too small, which a buffer of the bound's size never is.
        return written != 0 ? (int)written : throw new InvalidOperationException("libdeflate could not compress a chunk into its bound.");
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
