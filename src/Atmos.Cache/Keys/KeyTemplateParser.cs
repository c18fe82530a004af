using Atmos.Cache.Errors;

namespace Atmos.Cache.Keys;

/// <summary>
/// Parses the Go text/template subset used in cache keys into parts: literal text, <c>.OS</c>,
/// <c>.Arch</c>, <c>hashFiles</c> calls and string constants. Comments and Go's trim markers
/// (<c>{{- </c> trims whitespace before the action, <c> -}}</c> after it) are applied while parsing.
/// </summary>
internal sealed class KeyTemplateParser
{
    internal const string SupportedSyntax =
        "Supported: literal text, {{.OS}}, {{.Arch}}, {{ hashFiles \"pattern\" ... }}, {{/* comments */}} and the trim markers {{- and -}}.";

    private const string LeftDelimiter = "{{";
    private const string RightDelimiter = "}}";

    private readonly string _template;
    private int _position;

    private KeyTemplateParser(string template) => _template = template;

    internal static IReadOnlyList<TemplatePart> Parse(string template) => new KeyTemplateParser(template).ParseAll();

    private IReadOnlyList<TemplatePart> ParseAll()
    {
        var parts = new List<TemplatePart>();
        var trimLeadingSpace = false;
        while (_position < _template.Length)
        {
            var open = _template.IndexOf(LeftDelimiter, _position, StringComparison.Ordinal);
            var text = open < 0 ? _template[_position..] : _template[_position..open];
            if (trimLeadingSpace)
            {
                text = text.TrimStart(GoSpace);
            }

            if (open < 0)
            {
                AddText(parts, text);
                break;
            }

            _position = open + LeftDelimiter.Length;
            if (AtTrimMarker(_position))
            {
                text = text.TrimEnd(GoSpace);
                _position += 2;
            }

            AddText(parts, text);
            var (part, trimAfter) = ParseAction(open);
            if (part is not null)
            {
                parts.Add(part);
            }

            trimLeadingSpace = trimAfter;
        }

        return parts;
    }

    private static readonly char[] GoSpace = [' ', '\t', '\r', '\n'];

    private static bool IsGoSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static void AddText(List<TemplatePart> parts, string text)
    {
        if (text.Length > 0)
        {
            parts.Add(new TemplatePart.Text(text));
        }
    }

    // "- " right after "{{": Go requires the space, so "{{-3}}" is not a trim marker.
    private bool AtTrimMarker(int at) =>
        at + 1 < _template.Length && _template[at] == '-' && IsGoSpace(_template[at + 1]);

    // " -}}" (any Go space) or "}}" at the position: the end of the action, and whether it trims what follows.
    private bool AtRightDelimiter(out bool trim, out int length)
    {
        if (_position + 1 < _template.Length && IsGoSpace(_template[_position]) && _template[_position + 1] == '-'
            && string.CompareOrdinal(_template, _position + 2, RightDelimiter, 0, 2) == 0)
        {
            trim = true;
            length = 4;
            return true;
        }

        trim = false;
        length = 2;
        return string.CompareOrdinal(_template, _position, RightDelimiter, 0, 2) == 0;
    }

    private (TemplatePart? Part, bool TrimAfter) ParseAction(int actionStart)
    {
        if (string.CompareOrdinal(_template, _position, "/*", 0, 2) == 0)
        {
            return (null, SkipComment(actionStart));
        }

        var tokens = new List<Token>();
        while (true)
        {
            if (_position >= _template.Length)
            {
                throw Error($"the action at offset {actionStart} is never closed with }}}}");
            }

            if (AtRightDelimiter(out var trim, out var length))
            {
                _position += length;
                return (Interpret(tokens, actionStart), trim);
            }

            var c = _template[_position];
            if (IsGoSpace(c))
            {
                _position++;
            }
            else if (c is '"' or '`')
            {
                tokens.Add(ReadString(c));
            }
            else if (c == '.' && _position + 1 < _template.Length && IsIdentifierStart(_template[_position + 1]))
            {
                _position++;
                var name = ReadIdentifier();
                if (_position < _template.Length && _template[_position] == '.')
                {
                    throw Error($"the field chain .{name}.… is not supported; only .OS and .Arch are available");
                }

                tokens.Add(new Token(TokenKind.Field, name));
            }
            else if (IsIdentifierStart(c))
            {
                tokens.Add(new Token(TokenKind.Identifier, ReadIdentifier()));
            }
            else if (c == '|')
            {
                throw Error("pipes (|) are not supported");
            }
            else if (c is '(' or ')')
            {
                throw Error("parentheses are not supported");
            }
            else if (c == '$')
            {
                throw Error("variables ($...) are not supported");
            }
            else
            {
                throw Error($"unexpected '{c}' at offset {_position}");
            }
        }
    }

    // "{{/* ... */}}": the comment must close right before the delimiter (optionally " -}}"), as in Go.
    private bool SkipComment(int actionStart)
    {
        var end = _template.IndexOf("*/", _position + 2, StringComparison.Ordinal);
        if (end < 0)
        {
            throw Error($"the comment at offset {actionStart} is never closed with */");
        }

        _position = end + 2;
        if (!AtRightDelimiter(out var trim, out var length))
        {
            throw Error($"the comment at offset {actionStart} must be followed directly by }}}}");
        }

        _position += length;
        return trim;
    }

    private TemplatePart Interpret(List<Token> tokens, int actionStart)
    {
        if (tokens.Count == 0)
        {
            throw Error($"the action at offset {actionStart} is empty");
        }

        var head = tokens[0];
        switch (head.Kind)
        {
            case TokenKind.Field:
                var field = head.Text switch
                {
                    "OS" => TemplateField.Os,
                    "Arch" => TemplateField.Arch,
                    _ => throw Error($"unknown field .{head.Text}; only .OS and .Arch are available"),
                };
                if (tokens.Count > 1)
                {
                    throw Error($".{head.Text} takes no arguments");
                }

                return new TemplatePart.Field(field);

            case TokenKind.Identifier when head.Text == "hashFiles":
                var patterns = new List<string>();
                foreach (var argument in tokens.Skip(1))
                {
                    if (argument.Kind != TokenKind.String)
                    {
                        throw Error($"hashFiles takes quoted strings, not '{argument.Text}'");
                    }

                    patterns.Add(argument.Text);
                }

                return new TemplatePart.HashFiles(patterns);

            case TokenKind.Identifier when GoKeywords.Contains(head.Text):
                throw Error($"'{head.Text}' actions are not supported");

            case TokenKind.Identifier:
                throw Error($"unknown function '{head.Text}'; only hashFiles is available");

            default:
                if (tokens.Count > 1)
                {
                    throw Error($"a string constant cannot take arguments");
                }

                return new TemplatePart.Text(head.Text);
        }
    }

    private static readonly HashSet<string> GoKeywords =
        ["if", "else", "end", "range", "with", "define", "template", "block", "break", "continue", "nil", "true", "false"];

    private Token ReadString(char quote)
    {
        var start = _position;
        _position++;
        while (true)
        {
            if (_position >= _template.Length)
            {
                throw Error($"the string starting at offset {start} is never closed");
            }

            var c = _template[_position];
            if (quote == '"' && c == '\n')
            {
                throw Error($"the string starting at offset {start} is never closed on its line");
            }

            _position++;
            if (quote == '"' && c == '\\' && _position < _template.Length)
            {
                _position++;
                continue;
            }

            if (c == quote)
            {
                break;
            }
        }

        if (!GoStringLiteral.TryDecode(_template[start.._position], out var value, out var problem))
        {
            throw Error($"the string at offset {start} is not valid: {problem}");
        }

        return new Token(TokenKind.String, value);
    }

    private string ReadIdentifier()
    {
        var start = _position;
        while (_position < _template.Length && (char.IsLetterOrDigit(_template[_position]) || _template[_position] == '_'))
        {
            _position++;
        }

        return _template[start.._position];
    }

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_';

    private CacheConfigurationException Error(string problem) =>
        new($"The cache key template \"{_template}\" cannot be rendered: {problem}. {SupportedSyntax}");

    private enum TokenKind
    {
        Field,
        Identifier,
        String,
    }

    private readonly record struct Token(TokenKind Kind, string Text);
}

internal enum TemplateField
{
    Os,
    Arch,
}

/// <summary>One parsed piece of a key template.</summary>
internal abstract record TemplatePart
{
    internal sealed record Text(string Value) : TemplatePart;

    internal sealed record Field(TemplateField Name) : TemplatePart;

    internal sealed record HashFiles(IReadOnlyList<string> Patterns) : TemplatePart;
}
