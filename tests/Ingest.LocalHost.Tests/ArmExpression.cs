using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Ingest.LocalHost.Tests;

/// <summary>
/// A template language expression of a compiled ARM template ("[format('{0}-x', parameters('name'))]"), parsed so a
/// test can see how a value is built (from a parameter, from a resource's property) and evaluate the few functions
/// the monitoring queries use. Anything else throws: a test never guesses what Azure would compute.
/// </summary>
public abstract record ArmExpression
{
    /// <summary>The text of a string literal; null for anything else.</summary>
    public string? String => this is Literal { Value: var v } && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : null;

    public sealed record Literal(JsonValue Value) : ArmExpression;

    public sealed record Call(string Function, IReadOnlyList<ArmExpression> Arguments) : ArmExpression
    {
        /// <summary>True for a call of <paramref name="function"/> whose first arguments are these string literals.</summary>
        public bool Is(string function, params string[] leading)
            => Function == function && Arguments.Count >= leading.Length && leading.Select((a, i) => Arguments[i].String == a).All(same => same);
    }

    public sealed record Member(ArmExpression Target, string Name) : ArmExpression;

    public sealed record Index(ArmExpression Target, ArmExpression Key) : ArmExpression;

    /// <summary>A template value: a string as <see cref="Of(string)"/> reads it, a number or boolean as itself.</summary>
    public static ArmExpression Of(JsonNode value)
        => value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? Of(v.GetValue<string>()) : new Literal(value.AsValue().DeepClone().AsValue());

    /// <summary>A template string: an expression when it is bracketed ("[[" escapes a literal bracket), a literal otherwise.</summary>
    public static ArmExpression Of(string text)
    {
        if (text.Length < 2 || text[0] != '[' || text[^1] != ']' || text.StartsWith("[[", StringComparison.Ordinal))
        {
            return new Literal(JsonValue.Create(text.StartsWith("[[", StringComparison.Ordinal) ? text[1..] : text));
        }

        var parser = new Parser(text[1..^1]);
        var expression = parser.Expression();
        parser.End();
        return expression;
    }

    /// <summary>The expression written back in template syntax: two expressions built the same way read the same.</summary>
    public string Render() => this switch
    {
        Literal { String: { } text } => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'",
        Literal l => l.Value.ToJsonString(),
        Call c => $"{c.Function}({string.Join(", ", c.Arguments.Select(a => a.Render()))})",
        Member m => $"{m.Target.Render()}.{m.Name}",
        Index i => $"{i.Target.Render()}[{i.Key.Render()}]",
        _ => throw new NotSupportedException(GetType().Name),
    };

    public sealed override string ToString() => Render();

    /// <summary>This node and every node beneath it.</summary>
    public IEnumerable<ArmExpression> DescendantsAndSelf()
    {
        yield return this;
        var children = this switch
        {
            Call c => c.Arguments,
            Member m => [m.Target],
            Index i => [i.Target, i.Key],
            _ => [],
        };
        foreach (var descendant in children.SelectMany(c => c.DescendantsAndSelf()))
        {
            yield return descendant;
        }
    }

    private sealed class Parser(string text)
    {
        private int _at;

        public void End()
        {
            Skip();
            if (_at != text.Length)
            {
                throw Fail("end of the expression");
            }
        }

        public ArmExpression Expression()
        {
            var expression = Primary();
            while (true)
            {
                Skip();
                if (Peek('.'))
                {
                    _at++;
                    expression = new Member(expression, Name());
                }
                else if (Peek('['))
                {
                    _at++;
                    var key = Expression();
                    Expect(']');
                    expression = new Index(expression, key);
                }
                else
                {
                    return expression;
                }
            }
        }

        private ArmExpression Primary()
        {
            Skip();
            if (Peek('\''))
            {
                return new Literal(JsonValue.Create(ReadString()));
            }

            if (_at < text.Length && (char.IsDigit(text[_at]) || text[_at] == '-'))
            {
                var start = _at++;
                while (_at < text.Length && char.IsDigit(text[_at]))
                {
                    _at++;
                }

                return new Literal(JsonValue.Create(long.Parse(text[start.._at], CultureInfo.InvariantCulture)));
            }

            // A function, maybe in a namespace of the template's own functions (__bicep.secretRef).
            var name = Name();
            while (Peek('.'))
            {
                _at++;
                name += "." + Name();
            }

            Expect('(');
            var arguments = new List<ArmExpression>();
            Skip();
            if (!Peek(')'))
            {
                do
                {
                    arguments.Add(Expression());
                    Skip();
                }
                while (Peek(',') && ++_at > 0);
            }

            Expect(')');
            return new Call(name, arguments);
        }

        private string ReadString()
        {
            var value = new StringBuilder();
            _at++;
            while (true)
            {
                if (_at >= text.Length)
                {
                    throw Fail("a closing quote");
                }

                if (text[_at] == '\'')
                {
                    // Two quotes are one quote inside the literal.
                    if (_at + 1 < text.Length && text[_at + 1] == '\'')
                    {
                        value.Append('\'');
                        _at += 2;
                        continue;
                    }

                    _at++;
                    return value.ToString();
                }

                value.Append(text[_at++]);
            }
        }

        private string Name()
        {
            Skip();
            var start = _at;
            while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] is '_' or '$' or '#'))
            {
                _at++;
            }

            return _at > start ? text[start.._at] : throw Fail("a name");
        }

        private void Expect(char c)
        {
            Skip();
            if (!Peek(c))
            {
                throw Fail($"'{c}'");
            }

            _at++;
        }

        private bool Peek(char c) => _at < text.Length && text[_at] == c;

        private void Skip()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }

        private FormatException Fail(string expected) => new($"Expected {expected} at {_at} in [{text}]");
    }
}

/// <summary>
/// Evaluates template values in one template's scope: its parameters (as given, else their defaults) and variables.
/// Only literals, parameters(), variables(), format(), string() and property or index access are known.
/// </summary>
public sealed class ArmScope(JsonObject template, Func<string, JsonNode?> parameter)
{
    public JsonObject Template { get; } = template;

    /// <summary>The scope of a top-level template, its parameters taking their defaults.</summary>
    public static ArmScope OfDefaults(JsonObject template)
        => new(template, name => template["parameters"]?[name]?["defaultValue"]?.DeepClone()
            ?? throw new InvalidOperationException($"Parameter '{name}' has no default value; the test must give one."));

    /// <summary>The scope of a nested deployment's template, its parameters as the outer template passes them.</summary>
    public ArmScope Nested(JsonObject deployment)
    {
        var inner = deployment["properties"]!["template"]!.AsObject();
        var given = deployment["properties"]!["parameters"]?.AsObject();
        return new ArmScope(inner, name => given?[name]?["value"] is { } value
            ? Evaluate(value)
            : inner["parameters"]?[name]?["defaultValue"]?.DeepClone() ?? throw new InvalidOperationException($"Nested parameter '{name}' is neither given nor defaulted."));
    }

    /// <summary>A template value with every expression string in it evaluated.</summary>
    public JsonNode? Evaluate(JsonNode? value) => value switch
    {
        null => null,
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Evaluate(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Evaluate)]),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => Evaluate(ArmExpression.Of(v.GetValue<string>())),
        _ => value.DeepClone(),
    };

    public JsonNode? Evaluate(ArmExpression expression) => expression switch
    {
        ArmExpression.Literal l => l.Value.DeepClone(),
        ArmExpression.Member m => Evaluate(m.Target)?[m.Name],
        ArmExpression.Index i => Evaluate(i.Key) is JsonValue key && key.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? Evaluate(i.Target)?[key.GetValue<int>()]
            : Evaluate(i.Target)?[Evaluate(i.Key)!.GetValue<string>()],
        ArmExpression.Call c => Call(c),
        _ => throw new NotSupportedException(expression.ToString()),
    };

    private JsonNode? Call(ArmExpression.Call call)
    {
        var arguments = call.Arguments.Select(Evaluate).ToArray();
        return call.Function.ToLowerInvariant() switch
        {
            "parameters" => parameter(arguments[0]!.GetValue<string>()),
            "variables" => Evaluate(Template["variables"]![arguments[0]!.GetValue<string>()]),
            "format" => JsonValue.Create(string.Format(CultureInfo.InvariantCulture, arguments[0]!.GetValue<string>(), [.. arguments.Skip(1).Select(Text)])),
            "string" => JsonValue.Create(Text(arguments[0])),
            _ => throw new NotSupportedException($"The tests do not evaluate {call.Function}()."),
        };
    }

    private static string Text(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => v.GetValue<bool>() ? "True" : "False",
        null => "",
        _ => node.ToJsonString(),
    };
}
