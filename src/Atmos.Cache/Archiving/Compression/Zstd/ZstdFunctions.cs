using System.Runtime.InteropServices;

namespace Atmos.Cache.Archiving.Compression.Zstd;

/// <summary>The few libzstd entry points the engine calls, bound once from a loaded library.</summary>
internal sealed unsafe class ZstdFunctions
{
    public const int CompressionLevelParameter = 100;
    public const int WindowLogParameter = 101;
    public const int LongDistanceMatchingParameter = 160;
    public const int ChecksumFlagParameter = 201;
    public const int WorkerCountParameter = 400;
    public const int EndContinue = 0;
    public const int EndFrame = 2;

    private delegate* unmanaged[Cdecl]<uint> _versionNumber;
    private delegate* unmanaged[Cdecl]<int, ZstdBounds> _cParamGetBounds;
    private delegate* unmanaged[Cdecl]<nint> _createCCtx;
    private delegate* unmanaged[Cdecl]<nint, nuint> _freeCCtx;
    private delegate* unmanaged[Cdecl]<nint, int, int, nuint> _cctxSetParameter;
    private delegate* unmanaged[Cdecl]<nint, ZstdOutBuffer*, ZstdInBuffer*, int, nuint> _compressStream2;
    private delegate* unmanaged[Cdecl]<nint> _createDCtx;
    private delegate* unmanaged[Cdecl]<nint, nuint> _freeDCtx;
    private delegate* unmanaged[Cdecl]<nint, ZstdOutBuffer*, ZstdInBuffer*, nuint> _decompressStream;
    private delegate* unmanaged[Cdecl]<nuint, uint> _isError;
    private delegate* unmanaged[Cdecl]<nuint, byte*> _getErrorName;

    private ZstdFunctions()
    {
    }

    /// <summary>Binds every entry point, or returns null when one is missing.</summary>
    public static ZstdFunctions? TryBind(nint library)
    {
        nint Export(string name) => NativeLibrary.TryGetExport(library, name, out var address) ? address : 0;

        var f = new ZstdFunctions
        {
            _versionNumber = (delegate* unmanaged[Cdecl]<uint>)Export("ZSTD_versionNumber"),
            _cParamGetBounds = (delegate* unmanaged[Cdecl]<int, ZstdBounds>)Export("ZSTD_cParam_getBounds"),
            _createCCtx = (delegate* unmanaged[Cdecl]<nint>)Export("ZSTD_createCCtx"),
            _freeCCtx = (delegate* unmanaged[Cdecl]<nint, nuint>)Export("ZSTD_freeCCtx"),
            _cctxSetParameter = (delegate* unmanaged[Cdecl]<nint, int, int, nuint>)Export("ZSTD_CCtx_setParameter"),
            _compressStream2 = (delegate* unmanaged[Cdecl]<nint, ZstdOutBuffer*, ZstdInBuffer*, int, nuint>)Export("ZSTD_compressStream2"),
            _createDCtx = (delegate* unmanaged[Cdecl]<nint>)Export("ZSTD_createDCtx"),
            _freeDCtx = (delegate* unmanaged[Cdecl]<nint, nuint>)Export("ZSTD_freeDCtx"),
            _decompressStream = (delegate* unmanaged[Cdecl]<nint, ZstdOutBuffer*, ZstdInBuffer*, nuint>)Export("ZSTD_decompressStream"),
            _isError = (delegate* unmanaged[Cdecl]<nuint, uint>)Export("ZSTD_isError"),
            _getErrorName = (delegate* unmanaged[Cdecl]<nuint, byte*>)Export("ZSTD_getErrorName"),
        };
        return f.IsComplete ? f : null;
    }

    private bool IsComplete =>
        _versionNumber != null && _cParamGetBounds != null && _createCCtx != null && _freeCCtx != null
        && _cctxSetParameter != null && _compressStream2 != null && _createDCtx != null && _freeDCtx != null
        && _decompressStream != null && _isError != null && _getErrorName != null;

    public uint Version() => _versionNumber();

    /// <summary>Whether the library was built with worker threads (a single-threaded build allows 0 workers only).</summary>
    public bool SupportsWorkers()
    {
        var bounds = _cParamGetBounds(WorkerCountParameter);
        return _isError(bounds.Error) == 0 && bounds.UpperBound > 0;
    }

    public nint CreateCompressionContext() => _createCCtx();

    public void FreeCompressionContext(nint context) => _freeCCtx(context);

    public void SetParameter(nint context, int parameter, int value) =>
        Check(_cctxSetParameter(context, parameter, value), "set a compression parameter");

    /// <summary>One ZSTD_compressStream2 call; returns what libzstd still has to flush (0: done).</summary>
    public nuint CompressStream(nint context, ZstdOutBuffer* output, ZstdInBuffer* input, int endDirective) =>
        Check(_compressStream2(context, output, input, endDirective), "compress");

    public nint CreateDecompressionContext() => _createDCtx();

    public void FreeDecompressionContext(nint context) => _freeDCtx(context);

    /// <summary>One ZSTD_decompressStream call; returns 0 when a frame was completely decoded and flushed.</summary>
    public nuint DecompressStream(nint context, ZstdOutBuffer* output, ZstdInBuffer* input) =>
        Check(_decompressStream(context, output, input), "decompress");

    private nuint Check(nuint code, string action)
    {
        if (_isError(code) == 0)
        {
            return code;
        }

        var name = Marshal.PtrToStringUTF8((nint)_getErrorName(code)) ?? "unknown error";
        throw new InvalidDataException($"zstd could not {action}: {name}.");
    }
}
