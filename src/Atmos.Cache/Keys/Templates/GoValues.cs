using System.Globalization;

namespace Atmos.Cache.Keys.Templates;

/// <summary>
/// The Go values a key template handles, as .NET objects: <c>string</c>, <c>int</c> (<see cref="long"/>),
/// <c>float64</c> (<see cref="double"/>), <c>bool</c>, <c>uint8</c> (<see cref="byte"/>, from <c>index</c> on a
/// string), <c>map[string]string</c> (<see cref="GoMap"/>, the data) and <c>nil</c> (null).
/// </summary>
internal static class GoValues
{
    /// <summary>Go's type name, as <c>%T</c> and fmt's error texts print it.</summary>
    internal static string TypeName(object? value) => value switch
    {
        null => "<nil>",
        string => "string",
        long => "int",
        double => "float64",
        bool => "bool",
        byte => "uint8",
        GoMap => "map[string]string",
        _ => value.GetType().Name,
    };

    /// <summary>Go template truth: non-zero numbers, non-empty strings and maps, true.</summary>
    internal static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        long l => l != 0,
        double d => d != 0,
        byte b => b != 0,
        GoMap m => m.Count > 0,
        _ => true,
    };

    /// <summary>The length of a string in bytes, as Go counts it.</summary>
    internal static int ByteLength(string value) => System.Text.Encoding.UTF8.GetByteCount(value);

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A Go <c>map[string]string</c>; ranged and printed in sorted key order, as Go does.</summary>
internal sealed class GoMap(IReadOnlyDictionary<string, string> entries)
{
    internal int Count => entries.Count;

    internal bool TryGet(string key, out string value) => entries.TryGetValue(key, out value!);

    internal IEnumerable<KeyValuePair<string, string>> Sorted() =>
        entries.OrderBy(e => e.Key, Globbing.Utf8OrdinalComparer.Instance);
}
