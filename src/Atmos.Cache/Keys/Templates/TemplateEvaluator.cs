using System.Text;

namespace Atmos.Cache.Keys.Templates;

/// <summary>
/// Runs a parsed template as Go's <c>text/template</c> executes it with <c>missingkey=error</c>: pipelines
/// pass their value as the last argument of the next command, <c>and</c>/<c>or</c> short-circuit, variables
/// are scoped to their block, and a missing map key is an error.
/// </summary>
internal sealed class TemplateEvaluator
{
    // Go allows 100000 nested template calls; a .NET stack does not, and keys never need more than a few.
    private const int MaxTemplateDepth = 1000;

    private static readonly object Missing = new();

    private readonly ParsedTemplate _template;
    private readonly IReadOnlyDictionary<string, TemplateFunction> _functions;
    private readonly StringBuilder _output = new();
    private List<(string Name, object? Value)> _variables = [];
    private int _depth;

    private TemplateEvaluator(ParsedTemplate template, IReadOnlyDictionary<string, TemplateFunction> functions)
    {
        _template = template;
        _functions = functions;
    }

    internal static string Execute(ParsedTemplate template, IReadOnlyDictionary<string, TemplateFunction> functions, object? data)
    {
        var evaluator = new TemplateEvaluator(template, functions);
        evaluator._variables.Add(("$", data));
        evaluator.Walk(data, template.Definitions[template.Name]);
        return evaluator._output.ToString();
    }

    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    private Flow Walk(object? dot, Node node)
    {
        switch (node)
        {
            case ListNode list:
                foreach (var child in list.Nodes)
                {
                    var flow = Walk(dot, child);
                    if (flow != Flow.Normal)
                    {
                        return flow;
                    }
                }

                return Flow.Normal;
            case TextNode text:
                _output.Append(text.Text);
                return Flow.Normal;
            case ActionNode action:
                var value = EvalPipeline(dot, action.Pipe);
                if (action.Pipe.Declarations.Count == 0)
                {
                    _output.Append(value is null ? "<no value>" : GoFormatter.Sprint([value]));
                }

                return Flow.Normal;
            case IfNode ifNode:
                return WalkIfOrWith(dot, ifNode.Pipe, ifNode.List, ifNode.ElseList, isWith: false);
            case WithNode with:
                return WalkIfOrWith(dot, with.Pipe, with.List, with.ElseList, isWith: true);
            case RangeNode range:
                return WalkRange(dot, range);
            case BreakNode:
                return Flow.Break;
            case ContinueNode:
                return Flow.Continue;
            case TemplateNode call:
                WalkTemplate(dot, call);
                return Flow.Normal;
            default:
                throw new TemplateExecutionException(node.Position, $"unknown node: {node.GetType().Name}");
        }
    }

    private Flow WalkIfOrWith(object? dot, PipeNode pipe, ListNode list, ListNode? elseList, bool isWith)
    {
        var mark = _variables.Count;
        try
        {
            var value = EvalPipeline(dot, pipe);
            if (GoValues.IsTrue(value))
            {
                return Walk(isWith ? value : dot, list);
            }

            return elseList is null ? Flow.Normal : Walk(dot, elseList);
        }
        finally
        {
            Pop(mark);
        }
    }

    private Flow WalkRange(object? dot, RangeNode range)
    {
        var mark = _variables.Count;
        try
        {
            var value = EvalPipeline(dot, range.Pipe);
            var items = value switch
            {
                GoMap map => map.Sorted().Select(e => ((object?)e.Key, (object?)e.Value)).ToList(),
                long count when range.Pipe.Declarations.Count > 1 =>
                    throw new TemplateExecutionException(range.Position, $"can't use {GoValues.Invariant(count)} to iterate over more than one variable"),
                long count => LongRange(count).Select(i => ((object?)i, (object?)i)).ToList(),
                _ => throw new TemplateExecutionException(range.Position, $"range can't iterate over {Describe(value)}"),
            };
            if (items.Count == 0)
            {
                return range.ElseList is null ? Flow.Normal : Walk(dot, range.ElseList);
            }

            foreach (var (index, element) in items)
            {
                var iterationMark = _variables.Count;
                var declarations = range.Pipe.Declarations;
                if (declarations.Count > 0)
                {
                    if (range.Pipe.IsAssign)
                    {
                        SetVariable(range.Position, declarations[0], declarations.Count > 1 ? index : element);
                        if (declarations.Count > 1)
                        {
                            SetVariable(range.Position, declarations[1], element);
                        }
                    }
                    else
                    {
                        SetTopVariable(1, element);
                        if (declarations.Count > 1)
                        {
                            SetTopVariable(2, index);
                        }
                    }
                }

                var flow = Walk(element, range.List);
                Pop(iterationMark);
                if (flow == Flow.Break)
                {
                    break;
                }
            }

            return Flow.Normal;
        }
        finally
        {
            Pop(mark);
        }
    }

    private static IEnumerable<long> LongRange(long count)
    {
        for (long i = 0; i < count; i++)
        {
            yield return i;
        }
    }

    private void WalkTemplate(object? dot, TemplateNode call)
    {
        if (!_template.Definitions.TryGetValue(call.Name, out var body))
        {
            throw new TemplateExecutionException(call.Position, $"no such template \"{call.Name}\"");
        }

        if (_depth >= MaxTemplateDepth)
        {
            throw new TemplateExecutionException(call.Position, $"exceeded maximum template depth ({MaxTemplateDepth})");
        }

        var newDot = call.Pipe is null ? null : EvalPipeline(dot, call.Pipe);
        var saved = _variables;
        _variables = [("$", newDot)];
        _depth++;
        try
        {
            // break/continue cannot cross a template call: the parser only allows them inside a range of the same body.
            Walk(newDot, body);
        }
        finally
        {
            _depth--;
            _variables = saved;
        }
    }

    private object? EvalPipeline(object? dot, PipeNode pipe)
    {
        object? value = Missing;
        foreach (var command in pipe.Commands)
        {
            value = EvalCommand(dot, command, value);
        }

        foreach (var name in pipe.Declarations)
        {
            if (pipe.IsAssign)
            {
                SetVariable(pipe.Position, name, value);
            }
            else
            {
                _variables.Add((name, value));
            }
        }

        return value;
    }

    private object? EvalCommand(object? dot, CommandNode command, object? final)
    {
        var first = command.Arguments[0];
        switch (first)
        {
            case FieldNode field:
                return EvalFieldChain(dot, dot, field, field.Fields, command.Arguments, final);
            case ChainNode chain:
                return EvalChain(dot, chain, command.Arguments, final);
            case IdentifierNode identifier:
                return EvalCall(dot, identifier, command.Arguments, final);
            case PipeNode pipe:
                NotAFunction(command.Arguments, final);
                return EvalPipeline(dot, pipe);
            case VariableNode variable:
                return EvalVariable(dot, variable, command.Arguments, final);
        }

        NotAFunction(command.Arguments, final);
        return first switch
        {
            BoolNode b => b.Value,
            DotNode => dot,
            NilNode => throw new TemplateExecutionException(first.Position, "nil is not a command"),
            NumberNode n => n.Value,
            StringNode s => s.Value,
            _ => throw new TemplateExecutionException(first.Position, $"can't evaluate command {first.GetType().Name}"),
        };
    }

    private static void NotAFunction(IReadOnlyList<Node> arguments, object? final)
    {
        if (arguments.Count > 1 || final != Missing)
        {
            throw new TemplateExecutionException(arguments[0].Position, $"can't give argument to non-function {Display(arguments[0])}");
        }
    }

    private object? EvalChain(object? dot, ChainNode chain, IReadOnlyList<Node>? arguments, object? final)
    {
        var receiver = EvalArgument(dot, ParameterKind.Any, chain.Operand);
        return EvalFieldChain(dot, receiver, chain, chain.Fields, arguments, final);
    }

    private object? EvalVariable(object? dot, VariableNode variable, IReadOnlyList<Node>? arguments, object? final)
    {
        var value = GetVariable(variable.Position, variable.Name);
        if (variable.Fields.Count == 0)
        {
            if (arguments is not null)
            {
                NotAFunction(arguments, final);
            }

            return value;
        }

        return EvalFieldChain(dot, value, variable, variable.Fields, arguments, final);
    }

    private static object? EvalFieldChain(
        object? dot, object? receiver, Node node, IReadOnlyList<string> fields, IReadOnlyList<Node>? arguments, object? final)
    {
        for (var i = 0; i < fields.Count - 1; i++)
        {
            receiver = EvalField(node, fields[i], null, Missing, receiver);
        }

        return EvalField(node, fields[^1], arguments, final, receiver);
    }

    private static object? EvalField(Node node, string name, IReadOnlyList<Node>? arguments, object? final, object? receiver)
    {
        switch (receiver)
        {
            case null:
                throw new TemplateExecutionException(node.Position, $"nil data; no entry for key \"{name}\"");
            case GoMap map:
                if ((arguments is not null && arguments.Count > 1) || final != Missing)
                {
                    throw new TemplateExecutionException(node.Position, $"{name} is not a method but has arguments");
                }

                return map.TryGet(name, out var value)
                    ? value
                    : throw new TemplateExecutionException(node.Position, $"map has no entry for key \"{name}\"");
            default:
                throw new TemplateExecutionException(node.Position, $"can't evaluate field {name} in type {GoValues.TypeName(receiver)}");
        }
    }

    private object? EvalCall(object? dot, IdentifierNode identifier, IReadOnlyList<Node>? arguments, object? final)
    {
        var function = _functions[identifier.Name];
        var argumentNodes = arguments is null ? [] : arguments.Skip(1).ToList();
        var count = argumentNodes.Count + (final == Missing ? 0 : 1);
        if (function.Variadic ? count < function.MinimumArguments : count != function.Parameters.Count)
        {
            var want = function.Variadic ? $"at least {function.MinimumArguments}" : function.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new TemplateExecutionException(identifier.Position, $"wrong number of args for {function.Name}: want {want} got {count}");
        }

        if (function.Name is "and" or "or")
        {
            var isOr = function.Name == "or";
            object? value = null;
            foreach (var node in argumentNodes)
            {
                value = EvalArgument(dot, ParameterKind.Value, node);
                if (GoValues.IsTrue(value) == isOr)
                {
                    return value;
                }
            }

            return final == Missing ? value : final;
        }

        var values = new List<object?>(count);
        for (var i = 0; i < argumentNodes.Count; i++)
        {
            values.Add(EvalArgument(dot, function.KindOf(i), argumentNodes[i]));
        }

        if (final != Missing)
        {
            values.Add(Validate(identifier.Position, function.KindOf(argumentNodes.Count), final));
        }

        try
        {
            return function.Invoke(values);
        }
        catch (TemplateFunctionException e)
        {
            throw new TemplateExecutionException(identifier.Position, $"error calling {function.Name}: {e.Message}");
        }
    }

    private object? EvalArgument(object? dot, ParameterKind kind, Node node)
    {
        switch (node)
        {
            case DotNode:
                return Validate(node.Position, kind, dot);
            case NilNode:
                return kind == ParameterKind.Any
                    ? null
                    : throw new TemplateExecutionException(node.Position, $"cannot assign nil to {(kind == ParameterKind.String ? "string" : "reflect.Value")}");
            case FieldNode field:
                return Validate(node.Position, kind, EvalFieldChain(dot, dot, field, field.Fields, [node], Missing));
            case VariableNode variable:
                return Validate(node.Position, kind, EvalVariable(dot, variable, null, Missing));
            case PipeNode pipe:
                return Validate(node.Position, kind, EvalPipeline(dot, pipe));
            case IdentifierNode identifier:
                return Validate(node.Position, kind, EvalCall(dot, identifier, null, Missing));
            case ChainNode chain:
                return Validate(node.Position, kind, EvalChain(dot, chain, null, Missing));
            case StringNode s:
                return s.Value;
            case NumberNode or BoolNode when kind == ParameterKind.String:
                throw new TemplateExecutionException(node.Position, $"expected string; found {Display(node)}");
            case NumberNode n:
                return n.Value;
            case BoolNode b:
                return b.Value;
            default:
                throw new TemplateExecutionException(node.Position, $"can't handle {Display(node)} for arg");
        }
    }

    private static object? Validate(int position, ParameterKind kind, object? value)
    {
        if (kind != ParameterKind.String || value is string)
        {
            return value;
        }

        throw new TemplateExecutionException(position, value is null
            ? "invalid value; expected string"
            : $"wrong type for value; expected string; got {GoValues.TypeName(value)}");
    }

    private object? GetVariable(int position, string name)
    {
        for (var i = _variables.Count - 1; i >= 0; i--)
        {
            if (_variables[i].Name == name)
            {
                return _variables[i].Value;
            }
        }

        throw new TemplateExecutionException(position, $"undefined variable: {name}");
    }

    private void SetVariable(int position, string name, object? value)
    {
        for (var i = _variables.Count - 1; i >= 0; i--)
        {
            if (_variables[i].Name == name)
            {
                _variables[i] = (name, value);
                return;
            }
        }

        throw new TemplateExecutionException(position, $"undefined variable: {name}");
    }

    private void SetTopVariable(int n, object? value) =>
        _variables[^n] = (_variables[^n].Name, value);

    private void Pop(int mark) => _variables.RemoveRange(mark, _variables.Count - mark);

    private static string Describe(object? value) => value is null ? "<nil>" : GoFormatter.Sprint([value]);

    private static string Display(Node node) => node switch
    {
        StringNode s => s.Quoted,
        NumberNode n => n.Text,
        BoolNode b => b.Value ? "true" : "false",
        FieldNode f => "." + string.Join('.', f.Fields),
        VariableNode v => v.Name + string.Concat(v.Fields.Select(f => "." + f)),
        IdentifierNode i => i.Name,
        DotNode => ".",
        NilNode => "nil",
        _ => node.GetType().Name.Replace("Node", string.Empty, StringComparison.Ordinal).ToLowerInvariant(),
    };
}
