namespace Atmos.Cache.Keys.Templates;

/// <summary>A template that cannot be parsed or executed; <see cref="Position"/> is the offset of the offending item.</summary>
internal abstract class TemplateException(int position, string problem) : Exception(problem)
{
    internal int Position { get; } = position;
}

/// <summary>The template text is not a valid template (Go's parse errors).</summary>
internal sealed class TemplateSyntaxException(int position, string problem) : TemplateException(position, problem);

/// <summary>The template is valid but failed while running (Go's exec errors, e.g. a missing key).</summary>
internal sealed class TemplateExecutionException(int position, string problem) : TemplateException(position, problem);
