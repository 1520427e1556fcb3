using System.CommandLine;
using System.Globalization;

namespace NetnsPolicy.Cli;

/// <summary>
/// An integer option held as a string and parsed here. System.CommandLine's <c>Option&lt;T&gt;</c> and
/// <c>Argument&lt;T&gt;</c> over a value type are JIT-compiled at start-up (ReadyToRun cannot precompile another
/// assembly's generic code over <c>int</c> or <c>ulong?</c> into this one: 22 tier-0 methods in <c>simulate</c>, whose
/// only such options are <c>--seed</c> and <c>--replication</c>); over <c>string</c> they are the library's precompiled
/// shared code. A value that does not parse is a parse error naming the option (docs/benchmarks.md, "Issue 16, sixth
/// round").
/// </summary>
internal static class NumericOption
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>An option whose value must parse as an unsigned 64-bit integer; absent, <see cref="UInt64"/> gives null.</summary>
    public static Option<string> UInt64(string name, string description) =>
        Create(name, description, null, "an unsigned 64-bit integer", t => ulong.TryParse(t, NumberStyles.Integer, C, out _));

    /// <summary>An option whose value must parse as a 32-bit integer, <paramref name="defaultValue"/> when absent.</summary>
    public static Option<string> Int32(string name, string description, int defaultValue) =>
        Create(name, description, defaultValue.ToString(C), "a 32-bit integer", t => int.TryParse(t, NumberStyles.Integer, C, out _));

    /// <summary>The option's value (already validated by the parser), or null when it was not given.</summary>
    public static ulong? UInt64(ParseResult parse, Option<string> option) =>
        parse.GetValue(option) is { } value ? ulong.Parse(value, NumberStyles.Integer, C) : null;

    /// <summary>The option's value (already validated by the parser), or its default.</summary>
    public static int Int32(ParseResult parse, Option<string> option) => int.Parse(parse.GetValue(option)!, NumberStyles.Integer, C);

    private static Option<string> Create(string name, string description, string? defaultValue, string kind, Func<string, bool> parses)
    {
        var option = new Option<string>(name) { Description = description };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!parses(token.Value))
                {
                    result.AddError($"{name}: '{token.Value}' is not {kind}");
                }
            }
        });
        return option;
    }
}
