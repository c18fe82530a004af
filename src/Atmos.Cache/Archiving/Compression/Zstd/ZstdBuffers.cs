using System.Runtime.InteropServices;

namespace Atmos.Cache.Archiving.Compression.Zstd;

// The C structs of the libzstd streaming API, laid out as zstd.h declares them.

[StructLayout(LayoutKind.Sequential)]
internal struct ZstdBounds
{
    public nuint Error;
    public int LowerBound;
    public int UpperBound;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ZstdInBuffer
{
    public byte* Source;
    public nuint Size;
    public nuint Position;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ZstdOutBuffer
{
    public byte* Destination;
    public nuint Size;
    public nuint Position;
}
