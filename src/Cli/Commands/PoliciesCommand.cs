using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using NetnsPolicy.Cli.Connection;
using NetnsPolicy.Contracts.V1;

namespace NetnsPolicy.Cli.Commands;

/// <summary><c>policies [--format text|json]</c>: the policies the service offers, with their parameters.</summary>
internal static class PoliciesCommand
{
    public static Command Create()
    {
        var connection = new ConnectionOptions();
        var format = OutputFormat.Create("text", "json");
        var cmd = new Command("policies", "List the policies the service offers: id, version, decision points, parameters with defaults and ranges.") { format };
        connection.AddTo(cmd);
        CliAction.Set(cmd, async (parse, console, ct) =>
        {
            await using var service = await ServiceConnection.OpenAsync(connection.Read(parse), ct).ConfigureAwait(false);
            var answer = service.Policies;
            if (parse.GetValue(format) == "json")
            {
                await console.Out.WriteLineAsync(JsonFormatter.Default.Format(answer)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var c = CultureInfo.InvariantCulture;
            await console.Out.WriteLineAsync($"engine {answer.EngineVersion} · SDK {answer.SdkVersion} · {answer.Policies.Count} policies").ConfigureAwait(false);
            foreach (var p in answer.Policies.OrderBy(p => p.Id, StringComparer.Ordinal))
            {
                await console.Out.WriteLineAsync().ConfigureAwait(false);
                await console.Out.WriteLineAsync($"{p.Id} {p.Version} ({p.Source}) — {p.Description}").ConfigureAwait(false);
                await console.Out.WriteLineAsync($"  decision points: {(p.DecisionPoints.Count == 0 ? "none" : string.Join(", ", p.DecisionPoints))}").ConfigureAwait(false);
                foreach (var parameter in p.Parameters)
                {
                    await console.Out.WriteLineAsync(string.Create(c, $"  --{parameter.Name} {Kind(parameter.Kind)} default {parameter.DefaultValue} in [{parameter.Min}, {parameter.Max}]: {parameter.Description}")).ConfigureAwait(false);
                }
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static string Kind(ParameterKind kind) => kind switch
    {
        ParameterKind.Integer => "integer",
        ParameterKind.Real => "real",
        ParameterKind.Boolean => "boolean",
        _ => "unspecified",
    };
}
