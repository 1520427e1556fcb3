using System.CommandLine;

namespace NetnsPolicy.Cli.Commands;

/// <summary>The <c>--format</c> option, restricted to the formats a command can print.</summary>
internal static class OutputFormat
{
    public static Option<string> Create(string defaultFormat, params string[] others)
    {
        var option = new Option<string>("--format")
        {
            Description = "Output format on stdout: " + string.Join(", ", new[] { defaultFormat }.Concat(others)) + ".",
            DefaultValueFactory = _ => defaultFormat,
        };
        option.AcceptOnlyFromAmong([defaultFormat, .. others]);
        return option;
    }
}
