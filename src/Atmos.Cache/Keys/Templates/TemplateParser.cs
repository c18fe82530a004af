namespace Atmos.Cache.Keys.Templates;

/// <summary>
/// Parses template tokens into a tree, as Go's <c>text/template/parse</c> does: actions, pipelines with
/// declarations, <c>if</c>/<c>else if</c>/<c>with</c>/<c>else with</c>/<c>range</c>/<c>break</c>/<c>continue</c>,
/// <c>define</c>/<c>template</c>/<c>block</c>. Functions and variables are checked while parsing, like Go.
/// </summary>
internal sealed class TemplateParser
{
    private readonly List<TemplateToken> _tokens;
    private readonly Func<string, bool> _isFunction;
    private readonly Dictionary<string, ListNode> _definitions;
    private List<string> _variables = ["$"];
    private int _index;
    private int _rangeDepth;

    private TemplateParser(List<TemplateToken> tokens, Func<string, bool> isFunction, Dictionary<string, ListNode> definitions)
    {
        _tokens = tokens;
        _isFunction = isFunction;
        _definitions = definitions;
    }

    /// <summary>The main tree and the named templates (<c>define</c>, <c>block</c>) of <paramref name="text"/>.</summary>
    internal static ParsedTemplate Parse(string name, string text, Func<string, bool> isFunction)
    {
        var definitions = new Dictionary<string, ListNode>(StringComparer.Ordinal);
        var parser = new TemplateParser(TemplateLexer.Lex(text), isFunction, definitions);
        var root = parser.ParseRoot();
        AddDefinition(definitions, name, root, 0);
        return new ParsedTemplate(name, definitions);
    }

    private ListNode ParseRoot()
    {
        var nodes = new List<Node>();
        while (Peek().Kind != TokenKind.Eof)
        {
            if (Peek().Kind == TokenKind.LeftDelim)
            {
                var delim = _index;
                Next();
                var keyword = NextNonSpace();
                if (keyword is { Kind: TokenKind.Keyword, Value: "define" })
                {
                    ParseDefinition();
                    continue;
                }

                _index = delim;
            }

            var node = TextOrAction();
            if (node is Terminator terminator)
            {
                throw Error(terminator.Position, $"unexpected {{{{{terminator.Word}}}}}");
            }

            nodes.Add(node);
        }

        return new ListNode(0, nodes);
    }

    private void ParseDefinition()
    {
        const string context = "define clause";
        var nameToken = ExpectString(context);
        Expect(TokenKind.RightDelim, context);
        var saved = _variables;
        _variables = ["$"];
        var (list, end) = ItemList();
        _variables = saved;
        if (end.Word != "end")
        {
            throw Error(end.Position, $"unexpected {{{{{end.Word}}}}} in {context}");
        }

        AddDefinition(_definitions, nameToken.Value, list, nameToken.Position);
    }

    // Go: an empty definition never replaces another; two non-empty ones with one name are an error.
    private static void AddDefinition(Dictionary<string, ListNode> definitions, string name, ListNode list, int position)
    {
        if (!definitions.TryGetValue(name, out var existing) || IsEmpty(existing))
        {
            definitions[name] = list;
            return;
        }

        if (!IsEmpty(list))
        {
            throw new TemplateSyntaxException(position, $"template: multiple definition of template \"{name}\"");
        }
    }

    private static bool IsEmpty(Node node) => node switch
    {
        ListNode list => list.Nodes.All(IsEmpty),
        TextNode text => text.Text.All(char.IsWhiteSpace),
        _ => false,
    };

    /// <summary>Nodes up to an <c>{{end}}</c> or <c>{{else}}</c>, which is returned as the terminator.</summary>
    private (ListNode List, Terminator End) ItemList()
    {
        var start = Peek().Position;
        var nodes = new List<Node>();
        while (PeekNonSpace().Kind != TokenKind.Eof)
        {
            var node = TextOrAction();
            if (node is Terminator terminator)
            {
                return (new ListNode(start, nodes), terminator);
            }

            nodes.Add(node);
        }

        throw Error(Peek().Position, "unexpected EOF");
    }

    private Node TextOrAction()
    {
        var token = NextNonSpace();
        return token.Kind switch
        {
            TokenKind.Text => new TextNode(token.Position, token.Value),
            TokenKind.LeftDelim => Action(),
            _ => throw Unexpected(token, "input"),
        };
    }

    private Node Action()
    {
        var token = NextNonSpace();
        if (token.Kind == TokenKind.Keyword)
        {
            switch (token.Value)
            {
                case "block": return BlockControl(token);
                case "break": return LoopControl(token, isBreak: true);
                case "continue": return LoopControl(token, isBreak: false);
                case "else": return ElseControl(token);
                case "end":
                    Expect(TokenKind.RightDelim, "end");
                    return new Terminator(token.Position, "end");
                case "if": return IfControl(token);
                case "range": return RangeControl(token);
                case "template": return TemplateControl(token);
                case "with": return WithControl(token);
            }
        }

        Backup();
        var position = PeekNonSpace().Position;
        return new ActionNode(position, Pipeline("command", TokenKind.RightDelim));
    }

    private Node LoopControl(TemplateToken token, bool isBreak)
    {
        Expect(TokenKind.RightDelim, token.Value);
        if (_rangeDepth == 0)
        {
            throw Error(token.Position, $"{{{{{token.Value}}}}} outside {{{{range}}}}");
        }

        return isBreak ? new BreakNode(token.Position) : new ContinueNode(token.Position);
    }

    private Terminator ElseControl(TemplateToken token)
    {
        // "{{else if ...}}" and "{{else with ...}}" are "{{else}}{{if ...}}...{{end}}" sharing the end.
        var peek = PeekNonSpace();
        if (peek is { Kind: TokenKind.Keyword, Value: "if" or "with" })
        {
            return new Terminator(token.Position, "else");
        }

        Expect(TokenKind.RightDelim, "else");
        return new Terminator(token.Position, "else");
    }

    private IfNode IfControl(TemplateToken token)
    {
        var (pipe, list, elseList) = ParseControl("if");
        return new IfNode(token.Position, pipe, list, elseList);
    }

    private WithNode WithControl(TemplateToken token)
    {
        var (pipe, list, elseList) = ParseControl("with");
        return new WithNode(token.Position, pipe, list, elseList);
    }

    private RangeNode RangeControl(TemplateToken token)
    {
        var (pipe, list, elseList) = ParseControl("range");
        return new RangeNode(token.Position, pipe, list, elseList);
    }

    private (PipeNode Pipe, ListNode List, ListNode? ElseList) ParseControl(string context)
    {
        var variableCount = _variables.Count;
        try
        {
            var pipe = Pipeline(context, TokenKind.RightDelim);
            if (context == "range")
            {
                _rangeDepth++;
            }

            var (list, next) = ItemList();
            if (context == "range")
            {
                _rangeDepth--;
            }

            ListNode? elseList = null;
            if (next.Word == "else")
            {
                var peek = PeekNonSpace();
                if (context == "if" && peek is { Kind: TokenKind.Keyword, Value: "if" })
                {
                    var ifToken = NextNonSpace();
                    elseList = new ListNode(next.Position, [IfControl(ifToken)]);
                }
                else if (context == "with" && peek is { Kind: TokenKind.Keyword, Value: "with" })
                {
                    var withToken = NextNonSpace();
                    elseList = new ListNode(next.Position, [WithControl(withToken)]);
                }
                else
                {
                    (elseList, var end) = ItemList();
                    if (end.Word != "end")
                    {
                        throw Error(end.Position, $"expected end; found {{{{{end.Word}}}}}");
                    }
                }
            }

            return (pipe, list, elseList);
        }
        finally
        {
            _variables.RemoveRange(variableCount, _variables.Count - variableCount);
        }
    }

    private TemplateNode TemplateControl(TemplateToken token)
    {
        const string context = "template clause";
        var name = ExpectString(context);
        PipeNode? pipe = null;
        if (NextNonSpace().Kind != TokenKind.RightDelim)
        {
            Backup();
            pipe = Pipeline(context, TokenKind.RightDelim);
        }

        return new TemplateNode(token.Position, name.Value, pipe);
    }

    // {{block "name" pipeline}} body {{end}}: defines "name" and runs it.
    private TemplateNode BlockControl(TemplateToken token)
    {
        const string context = "block clause";
        var name = ExpectString(context);
        var pipe = Pipeline(context, TokenKind.RightDelim);
        var saved = _variables;
        _variables = ["$"];
        var (list, end) = ItemList();
        _variables = saved;
        if (end.Word != "end")
        {
            throw Error(end.Position, $"unexpected {{{{{end.Word}}}}} in {context}");
        }

        AddDefinition(_definitions, name.Value, list, name.Position);
        return new TemplateNode(token.Position, name.Value, pipe);
    }

    private PipeNode Pipeline(string context, TokenKind end)
    {
        var position = PeekNonSpace().Position;
        var declarations = new List<string>();
        var isAssign = false;
        ParseDeclarations(context, declarations, ref isAssign);

        var commands = new List<CommandNode>();
        while (true)
        {
            var token = NextNonSpace();
            if (token.Kind == end)
            {
                CheckPipeline(context, position, commands);
                return new PipeNode(position, isAssign, declarations, commands);
            }

            switch (token.Kind)
            {
                case TokenKind.Bool or TokenKind.Char or TokenKind.Dot or TokenKind.Field or TokenKind.Identifier
                    or TokenKind.Number or TokenKind.Nil or TokenKind.RawString or TokenKind.String
                    or TokenKind.Variable or TokenKind.LeftParen:
                    Backup();
                    commands.Add(Command());
                    break;
                default:
                    throw Unexpected(token, context);
            }
        }
    }

    private void ParseDeclarations(string context, List<string> declarations, ref bool isAssign)
    {
        while (PeekNonSpace().Kind == TokenKind.Variable)
        {
            var start = _index;
            var variable = NextNonSpace();
            var next = PeekNonSpace();
            if (next.Kind is TokenKind.Declare or TokenKind.Assign)
            {
                NextNonSpace();
                isAssign = next.Kind == TokenKind.Assign;
                if (isAssign && !_variables.Contains(variable.Value))
                {
                    throw Error(variable.Position, $"undefined variable \"{variable.Value}\"");
                }

                declarations.Add(variable.Value);
                _variables.Add(variable.Value);
                return;
            }

            if (next.Kind == TokenKind.Comma)
            {
                NextNonSpace();
                declarations.Add(variable.Value);
                _variables.Add(variable.Value);
                if (context == "range" && declarations.Count < 2
                    && PeekNonSpace().Kind is TokenKind.Variable or TokenKind.RightDelim or TokenKind.RightParen)
                {
                    continue;
                }

                throw Error(variable.Position, context == "range" ? "range can only initialize variables" : $"too many declarations in {context}");
            }

            _index = start;
            return;
        }
    }

    private void CheckPipeline(string context, int position, List<CommandNode> commands)
    {
        if (commands.Count == 0)
        {
            throw Error(position, $"missing value for {context}");
        }

        for (var i = 1; i < commands.Count; i++)
        {
            if (commands[i].Arguments[0] is BoolNode or DotNode or NilNode or NumberNode or StringNode)
            {
                throw Error(commands[i].Position, $"non executable command in pipeline stage {i + 1}");
            }
        }
    }

    private CommandNode Command()
    {
        var position = PeekNonSpace().Position;
        var arguments = new List<Node>();
        while (true)
        {
            PeekNonSpace();
            if (Operand() is { } operand)
            {
                arguments.Add(operand);
            }

            var token = Next();
            if (token.Kind == TokenKind.Space)
            {
                continue;
            }

            if (token.Kind is TokenKind.RightDelim or TokenKind.RightParen)
            {
                Backup();
            }
            else if (token.Kind != TokenKind.Pipe)
            {
                throw Unexpected(token, "operand");
            }

            break;
        }

        if (arguments.Count == 0)
        {
            throw Error(position, "empty command");
        }

        return new CommandNode(position, arguments);
    }

    private Node? Operand()
    {
        var node = Term();
        if (node is null || Peek().Kind != TokenKind.Field)
        {
            return node;
        }

        var fields = new List<string>();
        var position = Peek().Position;
        while (Peek().Kind == TokenKind.Field)
        {
            fields.Add(Next().Value[1..]);
        }

        return node switch
        {
            FieldNode field => new FieldNode(field.Position, [.. field.Fields, .. fields]),
            VariableNode variable => new VariableNode(variable.Position, variable.Name, [.. variable.Fields, .. fields]),
            BoolNode or StringNode or NumberNode or NilNode or DotNode =>
                throw Error(position, "unexpected . after term"),
            _ => new ChainNode(position, node, fields),
        };
    }

    private Node? Term()
    {
        var token = NextNonSpace();
        switch (token.Kind)
        {
            case TokenKind.Identifier:
                if (!_isFunction(token.Value))
                {
                    throw Error(token.Position, $"function \"{token.Value}\" not defined");
                }

                return new IdentifierNode(token.Position, token.Value);
            case TokenKind.Dot:
                return new DotNode(token.Position);
            case TokenKind.Nil:
                return new NilNode(token.Position);
            case TokenKind.Variable:
                if (!_variables.Contains(token.Value))
                {
                    throw Error(token.Position, $"undefined variable \"{token.Value}\"");
                }

                return new VariableNode(token.Position, token.Value, []);
            case TokenKind.Field:
                return new FieldNode(token.Position, [token.Value[1..]]);
            case TokenKind.Bool:
                return new BoolNode(token.Position, token.Value == "true");
            case TokenKind.Char or TokenKind.Number:
                return TemplateNumber.Parse(token);
            case TokenKind.LeftParen:
                return Pipeline("parenthesized pipeline", TokenKind.RightParen);
            case TokenKind.String or TokenKind.RawString:
                return new StringNode(token.Position, token.Value, Unquote(token));
            default:
                Backup();
                return null;
        }
    }

    private static string Unquote(TemplateToken token) =>
        GoStringLiteral.TryDecode(token.Value, out var value, out var problem)
            ? value
            : throw new TemplateSyntaxException(token.Position, $"invalid string {token.Value}: {problem}");

    private TemplateToken ExpectString(string context)
    {
        var token = NextNonSpace();
        if (token.Kind is not (TokenKind.String or TokenKind.RawString))
        {
            throw Unexpected(token, context);
        }

        return token with { Value = Unquote(token) };
    }

    private void Expect(TokenKind kind, string context)
    {
        var token = NextNonSpace();
        if (token.Kind != kind)
        {
            throw Unexpected(token, context);
        }
    }

    private TemplateToken Peek() => _tokens[_index];

    private TemplateToken Next() => _tokens[Math.Min(_index++, _tokens.Count - 1)];

    private void Backup() => _index--;

    private TemplateToken PeekNonSpace()
    {
        while (_tokens[_index].Kind == TokenKind.Space)
        {
            _index++;
        }

        return _tokens[_index];
    }

    private TemplateToken NextNonSpace()
    {
        PeekNonSpace();
        return Next();
    }

    private static TemplateSyntaxException Unexpected(TemplateToken token, string context) =>
        new(token.Position, $"unexpected {token} in {context}");

    private static TemplateSyntaxException Error(int position, string problem) => new(position, problem);

    /// <summary>An <c>{{end}}</c> or <c>{{else}}</c> that closes a list; never part of the tree.</summary>
    private sealed record Terminator(int Position, string Word) : Node(Position);
}

/// <summary>The parsed templates of one text: the main one under <see cref="Name"/>, plus every <c>define</c>/<c>block</c>.</summary>
internal sealed record ParsedTemplate(string Name, IReadOnlyDictionary<string, ListNode> Definitions);
