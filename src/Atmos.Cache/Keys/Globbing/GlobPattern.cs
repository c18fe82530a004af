using System.Text;

namespace Atmos.Cache.Keys.Globbing;

/// <summary>
/// One path element pattern with the semantics of Go's <c>filepath.Match</c>: <c>*</c> (any run of
/// characters except the separator), <c>?</c> (one character except the separator), <c>[...]</c>
/// classes with ranges and <c>^</c> negation, and <c>\</c> escapes (not on Windows, where <c>\</c> is
/// the separator). A malformed pattern (bad class, trailing <c>\</c>) is reported as not valid.
/// </summary>
internal sealed class GlobPattern
{
    private readonly Token[] _tokens;

    private GlobPattern(Token[] tokens) => _tokens = tokens;

    private static bool EscapesEnabled => !OperatingSystem.IsWindows();

    /// <summary>Whether Go's Glob would treat <paramref name="path"/> as a pattern rather than a literal path.</summary>
    internal static bool HasMeta(string path) =>
        path.AsSpan().IndexOfAny(EscapesEnabled ? "*?[\\" : "*?[") >= 0;

    /// <summary>Parses <paramref name="pattern"/>; null when Go would answer ErrBadPattern.</summary>
    internal static GlobPattern? TryParse(string pattern)
    {
        var runes = pattern.EnumerateRunes().ToArray();
        var tokens = new List<Token>();
        var i = 0;
        while (i < runes.Length)
        {
            var c = runes[i];
            if (c.Value == '*')
            {
                tokens.Add(Token.Star);
                i++;
            }
            else if (c.Value == '?')
            {
                tokens.Add(Token.Any);
                i++;
            }
            else if (c.Value == '[')
            {
                var cls = ParseClass(runes, ref i);
                if (cls is null)
                {
                    return null;
                }

                tokens.Add(cls);
            }
            else if (c.Value == '\\' && EscapesEnabled)
            {
                if (i + 1 >= runes.Length)
                {
                    return null;
                }

                tokens.Add(Token.Literal(runes[i + 1]));
                i += 2;
            }
            else
            {
                tokens.Add(Token.Literal(c));
                i++;
            }
        }

        return new GlobPattern([.. tokens]);
    }

    /// <summary>Whether the whole of <paramref name="name"/> matches.</summary>
    internal bool Matches(string name) => MatchFrom(0, name.EnumerateRunes().ToArray(), 0);

    private bool MatchFrom(int t, Rune[] name, int n)
    {
        while (t < _tokens.Length)
        {
            var token = _tokens[t];
            if (token.Kind == TokenKind.Star)
            {
                // Try every length the star can take; it never crosses a separator.
                for (var end = n; ; end++)
                {
                    if (MatchFrom(t + 1, name, end))
                    {
                        return true;
                    }

                    if (end >= name.Length || IsSeparator(name[end]))
                    {
                        return false;
                    }
                }
            }

            if (n >= name.Length || !token.MatchesOne(name[n]))
            {
                return false;
            }

            t++;
            n++;
        }

        return n == name.Length;
    }

    private static bool IsSeparator(Rune r) => r.Value < 0x80 && GoPath.IsSeparator((char)r.Value);

    // Go's class grammar: '[' '^'? (lo ('-' hi)?)+ ']' where lo/hi may be escaped and may not be a bare '-' or ']'.
    private static Token? ParseClass(Rune[] runes, ref int i)
    {
        i++;
        var negated = false;
        if (i < runes.Length && runes[i].Value == '^')
        {
            negated = true;
            i++;
        }

        var ranges = new List<(int Lo, int Hi)>();
        while (true)
        {
            if (i < runes.Length && runes[i].Value == ']' && ranges.Count > 0)
            {
                i++;
                return Token.Class(ranges, negated);
            }

            if (!TryClassChar(runes, ref i, out var lo))
            {
                return null;
            }

            var hi = lo;
            if (runes[i].Value == '-')
            {
                i++;
                if (!TryClassChar(runes, ref i, out hi))
                {
                    return null;
                }
            }

            ranges.Add((lo, hi));
        }
    }

    // One class character; as in Go, a character must be followed by something (the class is still open).
    private static bool TryClassChar(Rune[] runes, ref int i, out int value)
    {
        value = 0;
        if (i >= runes.Length || runes[i].Value is '-' or ']')
        {
            return false;
        }

        if (runes[i].Value == '\\' && EscapesEnabled)
        {
            i++;
            if (i >= runes.Length)
            {
                return false;
            }
        }

        value = runes[i].Value;
        i++;
        return i < runes.Length;
    }

    private enum TokenKind
    {
        Literal,
        Any,
        Star,
        Class,
    }

    private sealed class Token
    {
        internal static readonly Token Star = new(TokenKind.Star, default, [], false);
        internal static readonly Token Any = new(TokenKind.Any, default, [], false);

        private readonly Rune _literal;
        private readonly (int Lo, int Hi)[] _ranges;
        private readonly bool _negated;

        private Token(TokenKind kind, Rune literal, (int Lo, int Hi)[] ranges, bool negated)
        {
            Kind = kind;
            _literal = literal;
            _ranges = ranges;
            _negated = negated;
        }

        internal TokenKind Kind { get; }

        internal static Token Literal(Rune r) => new(TokenKind.Literal, r, [], false);

        internal static Token Class(List<(int Lo, int Hi)> ranges, bool negated) =>
            new(TokenKind.Class, default, [.. ranges], negated);

        internal bool MatchesOne(Rune r) => Kind switch
        {
            TokenKind.Literal => r == _literal,
            TokenKind.Any => !IsSeparator(r),
            TokenKind.Class => _ranges.Any(range => range.Lo <= r.Value && r.Value <= range.Hi) != _negated,
            _ => false,
        };
    }
}
