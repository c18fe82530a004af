namespace Atmos.Cache.Keys.Templates;

/// <summary>
/// A Go <c>text/template</c> template, parsed with a set of functions and ready to run with
/// <c>missingkey=error</c>. Parse and execution failures are <see cref="TemplateException"/>s with the offset.
/// </summary>
internal sealed class GoTemplate
{
    private readonly ParsedTemplate _parsed;
    private readonly IReadOnlyDictionary<string, TemplateFunction> _functions;

    private GoTemplate(ParsedTemplate parsed, IReadOnlyDictionary<string, TemplateFunction> functions)
    {
        _parsed = parsed;
        _functions = functions;
    }

    /// <summary>Parses <paramref name="text"/> with Go's builtins plus <paramref name="extraFunctions"/>.</summary>
    internal static GoTemplate Parse(string name, string text, IEnumerable<TemplateFunction> extraFunctions)
    {
        var functions = new Dictionary<string, TemplateFunction>(StringComparer.Ordinal);
        foreach (var function in TemplateBuiltins.All().Concat(extraFunctions))
        {
            functions[function.Name] = function;
        }

        return new GoTemplate(TemplateParser.Parse(name, text, functions.ContainsKey), functions);
    }

    internal string Execute(object? data) => TemplateEvaluator.Execute(_parsed, _functions, data);
}
