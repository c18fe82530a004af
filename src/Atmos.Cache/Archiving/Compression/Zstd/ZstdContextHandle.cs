using System.Runtime.InteropServices;

namespace Atmos.Cache.Archiving.Compression.Zstd;

/// <summary>Owns a libzstd compression or decompression context and frees it exactly once.</summary>
internal sealed class ZstdContextHandle : SafeHandle
{
    private readonly ZstdFunctions _functions;
    private readonly bool _compression;

    private ZstdContextHandle(ZstdFunctions functions, nint context, bool compression)
        : base(0, ownsHandle: true)
    {
        _functions = functions;
        _compression = compression;
        SetHandle(context);
    }

    public override bool IsInvalid => handle == 0;

    public static ZstdContextHandle ForCompression(ZstdFunctions functions) =>
        Created(new ZstdContextHandle(functions, functions.CreateCompressionContext(), compression: true));

    public static ZstdContextHandle ForDecompression(ZstdFunctions functions) =>
        Created(new ZstdContextHandle(functions, functions.CreateDecompressionContext(), compression: false));

    private static ZstdContextHandle Created(ZstdContextHandle context) =>
        context.IsInvalid ? throw new OutOfMemoryException("libzstd could not allocate a context.") : context;

    protected override bool ReleaseHandle()
    {
        // Freeing a compression context also stops and joins its worker threads.
        if (_compression)
        {
            _functions.FreeCompressionContext(handle);
        }
        else
        {
            _functions.FreeDecompressionContext(handle);
        }

        return true;
    }
}
