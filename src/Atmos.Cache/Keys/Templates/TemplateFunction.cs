namespace Atmos.Cache.Keys.Templates;

/// <summary>How an argument is passed to a function, which decides what Go accepts for it.</summary>
internal enum ParameterKind
{
    /// <summary>Go's <c>any</c>: every value, including nil.</summary>
    Any,

    /// <summary>Go's <c>reflect.Value</c> (comparison, <c>len</c>, <c>index</c>...): every value except a literal nil.</summary>
    Value,

    /// <summary>Go's <c>string</c>: only strings.</summary>
    String,
}

/// <summary>A function callable from a template: its arity, its parameter kinds, and its body.</summary>
/// <param name="Name">The name templates call it by.</param>
/// <param name="Parameters">The fixed parameters; with <paramref name="Variadic"/> the last one repeats.</param>
/// <param name="Variadic">Whether the last parameter takes any number of arguments.</param>
/// <param name="Invoke">The body; throws <see cref="TemplateFunctionException"/> for Go's "error calling" failures.</param>
internal sealed record TemplateFunction(
    string Name, IReadOnlyList<ParameterKind> Parameters, bool Variadic, Func<IReadOnlyList<object?>, object?> Invoke)
{
    internal ParameterKind KindOf(int index) => Parameters[Math.Min(index, Parameters.Count - 1)];

    internal int MinimumArguments => Variadic ? Parameters.Count - 1 : Parameters.Count;
}

/// <summary>A function that returned an error; reported as Go reports it, "error calling name: message".</summary>
internal sealed class TemplateFunctionException(string message) : Exception(message);
