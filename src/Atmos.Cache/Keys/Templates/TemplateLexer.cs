namespace Atmos.Cache.Keys.Templates;

/// <summary>
/// Splits a template into tokens the way Go's <c>text/template/parse</c> lexer does: text, <c>{{</c> and
/// <c>}}</c> with their trim markers (<c>{{- </c>, <c> -}}</c>), comments (dropped), and the items inside actions.
/// </summary>
internal sealed class TemplateLexer
{
    private const string LeftDelim = "{{";
    private const string RightDelim = "}}";

    private static readonly HashSet<string> Keywords =
        ["block", "break", "continue", "define", "else", "end", "if", "range", "template", "with"];

    private readonly string _text;
    private readonly List<TemplateToken> _tokens = [];
    private int _pos;
    private int _parenDepth;

    private TemplateLexer(string text) => _text = text;

    /// <summary>The tokens of <paramref name="text"/>, ending with <see cref="TokenKind.Eof"/>.</summary>
    internal static List<TemplateToken> Lex(string text)
    {
        var lexer = new TemplateLexer(text);
        lexer.Run();
        return lexer._tokens;
    }

    internal static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    internal static bool IsAlphaNumeric(char c) => c == '_' || char.IsLetterOrDigit(c);

    private void Run()
    {
        var trimNextText = false;
        while (true)
        {
            var open = _text.IndexOf(LeftDelim, _pos, StringComparison.Ordinal);
            var end = open < 0 ? _text.Length : open;
            var trimLeft = open >= 0 && HasLeftTrimMarker(open + LeftDelim.Length);
            var textStart = _pos;
            var textEnd = end;
            if (trimNextText)
            {
                while (textStart < textEnd && IsSpace(_text[textStart]))
                {
                    textStart++;
                }
            }

            if (trimLeft)
            {
                while (textEnd > textStart && IsSpace(_text[textEnd - 1]))
                {
                    textEnd--;
                }
            }

            if (textEnd > textStart)
            {
                Emit(TokenKind.Text, textStart, textEnd);
            }

            if (open < 0)
            {
                _tokens.Add(new TemplateToken(TokenKind.Eof, string.Empty, _text.Length));
                return;
            }

            _pos = open + LeftDelim.Length + (trimLeft ? 2 : 0);
            trimNextText = _text.AsSpan(_pos).StartsWith("/*") ? SkipComment(open) : LexAction(open);
        }
    }

    // "{{- " needs the space: "{{-3}}" is the number -3.
    private bool HasLeftTrimMarker(int at) => at + 1 < _text.Length && _text[at] == '-' && IsSpace(_text[at + 1]);

    /// <summary>At a right delimiter ("}}" or a trim-marked " -}}")? Returns its length, 0 when not.</summary>
    private int RightDelimAt(int at, out bool trim)
    {
        trim = false;
        if (at + 3 < _text.Length && IsSpace(_text[at]) && _text[at + 1] == '-' && string.CompareOrdinal(_text, at + 2, RightDelim, 0, 2) == 0)
        {
            trim = true;
            return 4;
        }

        return at + 1 < _text.Length && _text[at] == '}' && _text[at + 1] == '}' ? 2 : 0;
    }

    private bool SkipComment(int open)
    {
        var close = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
        if (close < 0)
        {
            throw new TemplateSyntaxException(open, "unclosed comment");
        }

        _pos = close + 2;
        var length = RightDelimAt(_pos, out var trim);
        if (length == 0)
        {
            throw new TemplateSyntaxException(open, "comment ends before closing delimiter");
        }

        _pos += length;
        return trim;
    }

    /// <summary>Lexes the inside of one action; returns whether it ends with a right trim marker.</summary>
    private bool LexAction(int open)
    {
        _tokens.Add(new TemplateToken(TokenKind.LeftDelim, LeftDelim, open));
        _parenDepth = 0;
        while (true)
        {
            var delimLength = RightDelimAt(_pos, out var trim);
            if (delimLength > 0)
            {
                if (_parenDepth > 0)
                {
                    throw new TemplateSyntaxException(_pos, "unclosed left paren");
                }

                if (trim)
                {
                    Emit(TokenKind.Space, _pos, _pos + 1);
                }

                _tokens.Add(new TemplateToken(TokenKind.RightDelim, RightDelim, _pos + delimLength - 2));
                _pos += delimLength;
                return trim;
            }

            if (_pos >= _text.Length)
            {
                throw new TemplateSyntaxException(open, "unclosed action");
            }

            var start = _pos;
            var c = _text[_pos];
            if (IsSpace(c))
            {
                // Stop before a trim-marked right delimiter, whose first character is a space.
                while (_pos < _text.Length && IsSpace(_text[_pos]) && RightDelimAt(_pos, out _) != 4)
                {
                    _pos++;
                }

                if (_pos == start)
                {
                    continue;
                }

                Emit(TokenKind.Space, start, _pos);
                continue;
            }

            _pos++;
            switch (c)
            {
                case '=':
                    Emit(TokenKind.Assign, start, _pos);
                    break;
                case ':':
                    if (_pos >= _text.Length || _text[_pos] != '=')
                    {
                        throw new TemplateSyntaxException(start, "expected :=");
                    }

                    _pos++;
                    Emit(TokenKind.Declare, start, _pos);
                    break;
                case '|':
                    Emit(TokenKind.Pipe, start, _pos);
                    break;
                case '"':
                    LexQuote(start);
                    break;
                case '`':
                    LexRawQuote(start);
                    break;
                case '$':
                    LexVariable(start);
                    break;
                case '\'':
                    LexChar(start);
                    break;
                case '.':
                    if (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
                    {
                        _pos = start;
                        LexNumber(start);
                    }
                    else
                    {
                        LexField(start);
                    }

                    break;
                case '(':
                    _parenDepth++;
                    Emit(TokenKind.LeftParen, start, _pos);
                    break;
                case ')':
                    _parenDepth--;
                    if (_parenDepth < 0)
                    {
                        throw new TemplateSyntaxException(start, "unexpected right paren");
                    }

                    Emit(TokenKind.RightParen, start, _pos);
                    break;
                case ',':
                    Emit(TokenKind.Comma, start, _pos);
                    break;
                case '+' or '-' or (>= '0' and <= '9'):
                    _pos = start;
                    LexNumber(start);
                    break;
                default:
                    if (IsAlphaNumeric(c))
                    {
                        LexIdentifier(start);
                        break;
                    }

                    throw new TemplateSyntaxException(start, $"unrecognized character in action: {Describe(c)}");
            }
        }
    }

    private static string Describe(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();

    private void LexIdentifier(int start)
    {
        while (_pos < _text.Length && IsAlphaNumeric(_text[_pos]))
        {
            _pos++;
        }

        RequireTerminator(start);
        var word = _text[start.._pos];
        var kind = Keywords.Contains(word) ? TokenKind.Keyword
            : word is "true" or "false" ? TokenKind.Bool
            : word == "nil" ? TokenKind.Nil
            : TokenKind.Identifier;
        _tokens.Add(new TemplateToken(kind, word, start));
    }

    private void LexField(int start)
    {
        if (_pos >= _text.Length || !IsAlphaNumeric(_text[_pos]))
        {
            _tokens.Add(new TemplateToken(TokenKind.Dot, ".", start));
            return;
        }

        while (_pos < _text.Length && IsAlphaNumeric(_text[_pos]))
        {
            _pos++;
        }

        RequireTerminator(start);
        Emit(TokenKind.Field, start, _pos);
    }

    private void LexVariable(int start)
    {
        while (_pos < _text.Length && IsAlphaNumeric(_text[_pos]))
        {
            _pos++;
        }

        RequireTerminator(start);
        Emit(TokenKind.Variable, start, _pos);
    }

    // Go: a word must be followed by space, a delimiter, or punctuation that can follow a word.
    private void RequireTerminator(int start)
    {
        if (_pos >= _text.Length || RightDelimAt(_pos, out _) > 0)
        {
            return;
        }

        var c = _text[_pos];
        if (IsSpace(c) || c is '.' or ',' or '|' or ':' or ')' or '(' or '=')
        {
            return;
        }

        throw new TemplateSyntaxException(start, $"bad character {Describe(c)}");
    }

    private void LexQuote(int start)
    {
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] == '\n')
            {
                throw new TemplateSyntaxException(start, "unterminated quoted string");
            }

            var c = _text[_pos++];
            if (c == '\\' && _pos < _text.Length && _text[_pos] != '\n')
            {
                _pos++;
            }
            else if (c == '"')
            {
                break;
            }
        }

        Emit(TokenKind.String, start, _pos);
    }

    private void LexRawQuote(int start)
    {
        var close = _text.IndexOf('`', _pos);
        if (close < 0)
        {
            throw new TemplateSyntaxException(start, "unterminated raw quoted string");
        }

        _pos = close + 1;
        Emit(TokenKind.RawString, start, _pos);
    }

    private void LexChar(int start)
    {
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] == '\n')
            {
                throw new TemplateSyntaxException(start, "unterminated character constant");
            }

            var c = _text[_pos++];
            if (c == '\\' && _pos < _text.Length && _text[_pos] != '\n')
            {
                _pos++;
            }
            else if (c == '\'')
            {
                break;
            }
        }

        Emit(TokenKind.Char, start, _pos);
    }

    // Go's scanNumber: sign, base prefix, digits with underscores, fraction, exponent, imaginary suffix.
    private void LexNumber(int start)
    {
        Accept("+-");
        var digits = "0123456789_";
        if (Accept("0"))
        {
            if (Accept("xX"))
            {
                digits = "0123456789abcdefABCDEF_";
            }
            else if (Accept("oO"))
            {
                digits = "01234567_";
            }
            else if (Accept("bB"))
            {
                digits = "01_";
            }
        }

        AcceptRun(digits);
        if (Accept("."))
        {
            AcceptRun(digits);
        }

        if (digits.Length == 11 && Accept("eE"))
        {
            Accept("+-");
            AcceptRun("0123456789_");
        }

        if (digits.Length == 23 && Accept("pP"))
        {
            Accept("+-");
            AcceptRun("0123456789_");
        }

        Accept("i");
        if (_pos < _text.Length && IsAlphaNumeric(_text[_pos]))
        {
            throw new TemplateSyntaxException(start, $"bad number syntax: \"{_text[start..(_pos + 1)]}\"");
        }

        Emit(TokenKind.Number, start, _pos);
    }

    private bool Accept(string valid)
    {
        if (_pos < _text.Length && valid.Contains(_text[_pos]))
        {
            _pos++;
            return true;
        }

        return false;
    }

    private void AcceptRun(string valid)
    {
        while (Accept(valid))
        {
        }
    }

    private void Emit(TokenKind kind, int start, int end) => _tokens.Add(new TemplateToken(kind, _text[start..end], start));
}
