using System.Text;
using Atmos.Cache.Keys.Globbing;

namespace Atmos.Cache.Keys.Templates;

/// <summary>Go's <c>text/template</c> builtin functions, with Go's semantics and error texts.</summary>
internal static class TemplateBuiltins
{
    private static readonly ParameterKind[] OneValue = [ParameterKind.Value];
    private static readonly ParameterKind[] TwoValues = [ParameterKind.Value, ParameterKind.Value];

    // A value, then any number of values (the last parameter of a variadic function repeats).
    private static readonly ParameterKind[] ValueThenValues = TwoValues;
    private static readonly ParameterKind[] AnyArguments = [ParameterKind.Any];

    internal static IEnumerable<TemplateFunction> All() =>
    [
        // and/or short-circuit in the evaluator; these bodies see every argument evaluated.
        new("and", ValueThenValues, true, args => args.FirstOrDefault(a => !GoValues.IsTrue(a), args[^1])),
        new("or", ValueThenValues, true, args => args.FirstOrDefault(GoValues.IsTrue, args[^1])),
        new("not", OneValue, false, args => !GoValues.IsTrue(args[0])),
        new("call", ValueThenValues, true, args => throw new TemplateFunctionException(
            args[0] is null ? "call of nil" : $"non-function of type {GoValues.TypeName(args[0])}")),
        new("len", OneValue, false, args => Length(args[0])),
        new("index", ValueThenValues, true, args => Index(args[0], args.Skip(1).ToList())),
        new("slice", ValueThenValues, true, args => Slice(args[0], args.Skip(1).ToList())),
        new("print", AnyArguments, true, GoFormatter.Sprint),
        new("println", AnyArguments, true, GoFormatter.Sprintln),
        new("printf", [ParameterKind.String, ParameterKind.Any], true, args => GoFormatter.Sprintf((string)args[0]!, args.Skip(1).ToList())),
        new("html", AnyArguments, true, args => GoEscapes.Html(ArgumentText(args))),
        new("js", AnyArguments, true, args => GoEscapes.JavaScript(ArgumentText(args))),
        new("urlquery", AnyArguments, true, args => GoEscapes.UrlQuery(ArgumentText(args))),
        new("eq", ValueThenValues, true, args => Equal(args[0], args.Skip(1).ToList())),
        new("ne", TwoValues, false, args => !Equal(args[0], [args[1]])),
        new("lt", TwoValues, false, args => Less(args[0], args[1])),
        new("le", TwoValues, false, args => Less(args[0], args[1]) || Equal(args[0], [args[1]])),
        new("gt", TwoValues, false, args => !(Less(args[0], args[1]) || Equal(args[0], [args[1]]))),
        new("ge", TwoValues, false, args => !Less(args[0], args[1])),
    ];

    // html, js, urlquery: a single string as is, otherwise fmt.Sprint of the arguments (nil prints "<no value>").
    private static string ArgumentText(IReadOnlyList<object?> args) =>
        args is [string single] ? single : GoFormatter.Sprint(args.Select(a => a ?? "<no value>").ToList());

    private static long Length(object? item) => item switch
    {
        null => throw new TemplateFunctionException("len of nil pointer"),
        string s => GoValues.ByteLength(s),
        GoMap m => m.Count,
        _ => throw new TemplateFunctionException($"len of type {GoValues.TypeName(item)}"),
    };

    private static object? Index(object? item, IReadOnlyList<object?> indexes)
    {
        if (item is null)
        {
            throw new TemplateFunctionException("index of untyped nil");
        }

        foreach (var index in indexes)
        {
            switch (item)
            {
                case string s:
                    var bytes = Encoding.UTF8.GetBytes(s);
                    var x = IndexArgument(index, bytes.Length);
                    if (x == bytes.Length)
                    {
                        throw new TemplateFunctionException("reflect: string index out of range");
                    }

                    item = bytes[x];
                    break;
                case GoMap map:
                    if (index is not string key)
                    {
                        throw new TemplateFunctionException(index is null
                            ? "value is nil; should be of type string"
                            : $"value has type {GoValues.TypeName(index)}; should be string");
                    }

                    item = map.TryGet(key, out var value) ? value : string.Empty;
                    break;
                default:
                    throw new TemplateFunctionException($"can't index item of type {GoValues.TypeName(item)}");
            }
        }

        return item;
    }

    private static int IndexArgument(object? index, int capacity)
    {
        long x = index switch
        {
            long l => l,
            byte b => b,
            null => throw new TemplateFunctionException("cannot index slice/array with nil"),
            _ => throw new TemplateFunctionException($"cannot index slice/array with type {GoValues.TypeName(index)}"),
        };
        if (x < 0 || x > capacity)
        {
            throw new TemplateFunctionException($"index out of range: {GoValues.Invariant(x)}");
        }

        return (int)x;
    }

    private static object Slice(object? item, IReadOnlyList<object?> indexes)
    {
        if (item is null)
        {
            throw new TemplateFunctionException("slice of untyped nil");
        }

        if (indexes.Count > 3)
        {
            throw new TemplateFunctionException($"too many slice indexes: {indexes.Count}");
        }

        if (item is not string s)
        {
            throw new TemplateFunctionException($"can't slice item of type {GoValues.TypeName(item)}");
        }

        if (indexes.Count == 3)
        {
            throw new TemplateFunctionException("cannot 3-index slice a string");
        }

        var bytes = Encoding.UTF8.GetBytes(s);
        int[] bounds = [0, bytes.Length];
        for (var i = 0; i < indexes.Count; i++)
        {
            bounds[i] = IndexArgument(indexes[i], bytes.Length);
        }

        if (bounds[0] > bounds[1])
        {
            throw new TemplateFunctionException($"invalid slice index: {bounds[0]} > {bounds[1]}");
        }

        return Encoding.UTF8.GetString(bytes, bounds[0], bounds[1] - bounds[0]);
    }

    private enum Kind
    {
        Invalid,
        Bool,
        Int,
        Uint,
        Float,
        String,
    }

    private static Kind KindOf(object? value) => value switch
    {
        bool => Kind.Bool,
        long => Kind.Int,
        byte => Kind.Uint,
        double => Kind.Float,
        string => Kind.String,
        _ => Kind.Invalid,
    };

    private static bool Equal(object? first, IReadOnlyList<object?> others)
    {
        if (others.Count == 0)
        {
            throw new TemplateFunctionException("missing argument for comparison");
        }

        var k1 = KindOf(first);
        foreach (var other in others)
        {
            var k2 = KindOf(other);
            bool truth;
            if (k1 != k2)
            {
                truth = (k1, k2) switch
                {
                    (Kind.Int, Kind.Uint) => (long)first! == (byte)other!,
                    (Kind.Uint, Kind.Int) => (byte)first! == (long)other!,
                    _ when first is not null && other is not null => throw new TemplateFunctionException("incompatible types for comparison"),
                    _ => false,
                };
            }
            else
            {
                truth = k1 switch
                {
                    Kind.Invalid when first is null && other is null => true,
                    Kind.Invalid when first is null || other is null => false,
                    Kind.Invalid => throw new TemplateFunctionException($"non-comparable type {GoValues.TypeName(first)}"),
                    Kind.Float => (double)first! == (double)other!,
                    _ => Equals(first, other),
                };
            }

            if (truth)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Less(object? first, object? second)
    {
        var k1 = KindOf(first);
        var k2 = KindOf(second);
        if (k1 == Kind.Invalid || k2 == Kind.Invalid)
        {
            throw new TemplateFunctionException("invalid type for comparison");
        }

        if (k1 != k2)
        {
            return (k1, k2) switch
            {
                (Kind.Int, Kind.Uint) => (long)first! < (byte)second!,
                (Kind.Uint, Kind.Int) => (byte)first! < (long)second!,
                _ => throw new TemplateFunctionException("incompatible types for comparison"),
            };
        }

        return k1 switch
        {
            Kind.Bool => throw new TemplateFunctionException("invalid type for comparison"),
            Kind.Float => (double)first! < (double)second!,
            Kind.Int => (long)first! < (long)second!,
            Kind.Uint => (byte)first! < (byte)second!,
            _ => Utf8OrdinalComparer.Instance.Compare((string)first!, (string)second!) < 0,
        };
    }
}
