namespace Atmos.Cache.Keys.Templates;

internal enum TokenKind
{
    Text,
    LeftDelim,
    RightDelim,
    Space,
    Identifier,
    Keyword,
    Field,
    Variable,
    Dot,
    String,
    RawString,
    Char,
    Number,
    Bool,
    Nil,
    Pipe,
    LeftParen,
    RightParen,
    Declare,
    Assign,
    Comma,
    Eof,
}

/// <summary>One lexical item of a template; <see cref="Position"/> is its offset in the template text.</summary>
internal readonly record struct TemplateToken(TokenKind Kind, string Value, int Position)
{
    public override string ToString() => Kind switch
    {
        TokenKind.Eof => "EOF",
        TokenKind.Text => $"text {Value}",
        TokenKind.Space => "space",
        TokenKind.Keyword => $"<{Value}>",
        _ => Value,
    };
}
