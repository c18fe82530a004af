namespace Atmos.Cache.Keys.Templates;

/// <summary>
/// The parse tree of a Go <c>text/template</c>, one record per node kind of Go's <c>text/template/parse</c>.
/// <see cref="Node.Position"/> is the offset in the template text, for error messages.
/// </summary>
internal abstract record Node(int Position);

internal sealed record ListNode(int Position, IReadOnlyList<Node> Nodes) : Node(Position);

internal sealed record TextNode(int Position, string Text) : Node(Position);

/// <summary><c>{{ pipeline }}</c>: prints the value unless the pipeline declares variables.</summary>
internal sealed record ActionNode(int Position, PipeNode Pipe) : Node(Position);

/// <summary>Commands separated by <c>|</c>, optionally declaring (<c>:=</c>) or assigning (<c>=</c>) variables.</summary>
internal sealed record PipeNode(int Position, bool IsAssign, IReadOnlyList<string> Declarations, IReadOnlyList<CommandNode> Commands)
    : Node(Position);

/// <summary>One command: an operand, or a function/field/method with arguments.</summary>
internal sealed record CommandNode(int Position, IReadOnlyList<Node> Arguments) : Node(Position);

internal sealed record IdentifierNode(int Position, string Name) : Node(Position);

/// <summary><c>$x</c> with an optional field chain (<c>$x.A.B</c>); <c>$</c> is the data passed to the template.</summary>
internal sealed record VariableNode(int Position, string Name, IReadOnlyList<string> Fields) : Node(Position);

internal sealed record DotNode(int Position) : Node(Position);

internal sealed record NilNode(int Position) : Node(Position);

/// <summary><c>.A.B</c>: fields of dot.</summary>
internal sealed record FieldNode(int Position, IReadOnlyList<string> Fields) : Node(Position);

/// <summary><c>(pipeline).A.B</c> or another operand followed by fields.</summary>
internal sealed record ChainNode(int Position, Node Operand, IReadOnlyList<string> Fields) : Node(Position);

internal sealed record BoolNode(int Position, bool Value) : Node(Position);

/// <summary>A number constant with the value Go's template gives it when the type is free (int or float64).</summary>
internal sealed record NumberNode(int Position, string Text, object Value) : Node(Position);

internal sealed record StringNode(int Position, string Quoted, string Value) : Node(Position);

internal sealed record IfNode(int Position, PipeNode Pipe, ListNode List, ListNode? ElseList) : Node(Position);

internal sealed record WithNode(int Position, PipeNode Pipe, ListNode List, ListNode? ElseList) : Node(Position);

internal sealed record RangeNode(int Position, PipeNode Pipe, ListNode List, ListNode? ElseList) : Node(Position);

internal sealed record BreakNode(int Position) : Node(Position);

internal sealed record ContinueNode(int Position) : Node(Position);

/// <summary><c>{{ template "name" pipeline }}</c>.</summary>
internal sealed record TemplateNode(int Position, string Name, PipeNode? Pipe) : Node(Position);
