using System.CommandLine;
using Google.Rpc;
using Grpc.Core;
using NetnsPolicy.Cli.Connection;
using NetnsPolicy.Cli.Terminal;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Cli;

/// <summary>
/// Runs a command's body and turns what can go wrong into the documented exit codes (<see cref="ExitCodes"/>), with a
/// message on stderr that names the offending field where there is one.
/// </summary>
internal static class CliAction
{
    /// <summary>Sets <paramref name="body"/> as the action of <paramref name="command"/>.</summary>
    public static void Set(Command command, Func<ParseResult, CliConsole, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, ct) => RunAsync(parse, body, ct));

    /// <summary>Parses <paramref name="args"/> and invokes the command; parse errors exit with <see cref="ExitCodes.BadInput"/>.</summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, InvocationConfiguration? configuration = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(args);
        StartupTimings.Mark("commands created");
        var parse = root.Parse(args);
        StartupTimings.Mark("arguments parsed");
        configuration ??= new InvocationConfiguration();
        var unknown = UnknownTokens(root, args);
        if (unknown.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var error in unknown.Errors)
            {
                await configuration.Error.WriteLineAsync("error: " + error).ConfigureAwait(false);
            }

            await configuration.Error.WriteLineAsync($"(run '{Usage(root, unknown.Command)} --help' for usage)").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var error in parse.Errors)
            {
                await configuration.Error.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
            }

            // The parser says an argument is missing but not which: name it, as every other error names its field.
            foreach (var argument in parse.CommandResult.Command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0 && parse.GetResult(a) is null or { Tokens.Count: 0 }))
            {
                await configuration.Error.WriteLineAsync($"error: {argument.Name}: required ({argument.Description})").ConfigureAwait(false);
            }

            await configuration.Error.WriteLineAsync($"(run '{Usage(root, parse.CommandResult.Command)} --help' for usage)").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        CliCommands.AddExitCodesToHelp(parse);
        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Options the command does not have and commands that do not exist, each named with the closest valid one. Checked
    /// before parsing: an option that takes several values per token (--policy) would otherwise swallow a misspelt
    /// option as one of its values ("--replicatons is not a policy id").
    /// </summary>
    internal static (IReadOnlyList<string> Errors, Command Command) UnknownTokens(RootCommand root, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(args);
        var errors = new List<string>();
        Command command = root;
        var path = new List<Command> { root };
        var sawPositional = false;
        foreach (var token in args)
        {
            if (token == "--")
            {
                break;
            }

            var isOption = token.Length > 1 && token[0] == '-' && !char.IsDigit(token[1]) && token[1] != '.';
            if (!isOption)
            {
                var sub = sawPositional ? null : command.Subcommands.FirstOrDefault(c => c.Name == token || c.Aliases.Contains(token));
                if (sub is not null)
                {
                    command = sub;
                    path.Add(sub);
                }
                else if (command == root && !sawPositional)
                {
                    errors.Add($"unknown command '{token}'{Suggest.Closest(token, root.Subcommands.Select(c => c.Name))} (commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))})");
                    return (errors, root);
                }
                else
                {
                    sawPositional = true;
                }

                continue;
            }

            var name = token.Split('=', ':')[0];
            var options = command.Options.Concat(path.SelectMany(c => c.Options).Where(o => o.Recursive)).ToArray();
            var names = options.SelectMany(o => o.Aliases.Prepend(o.Name)).ToHashSet(StringComparer.Ordinal);
            if (!names.Contains(name) && name is not ("-h" or "-?" or "/?" or "/h"))
            {
                var candidates = options.Where(o => !o.Hidden).Select(o => o.Name).Where(n => n.StartsWith("--", StringComparison.Ordinal));
                errors.Add($"{(command == root ? "" : command.Name + ": ")}unknown option '{name}'{Suggest.Closest(name, candidates)}");
            }
        }

        return (errors, command);
    }

    /// <summary>The program's name as users type it (the root command's own name is the host executable's under tests and dotnet run).</summary>
    private const string ProgramName = "netns-policy";

    private static string Usage(RootCommand root, Command command) => command == root ? ProgramName : $"{ProgramName} {command.Name}";

    private static async Task<int> RunAsync(ParseResult parse, Func<ParseResult, CliConsole, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        var console = CliConsole.From(parse);
        var err = console.Error;
        try
        {
            return await body(parse, console, cancellationToken).ConfigureAwait(false);
        }
        catch (InputValidationException e)
        {
            foreach (var field in e.Errors)
            {
                await err.WriteLineAsync($"error: {field.Field}: {field.Message}").ConfigureAwait(false);
            }

            return ExitCodes.BadInput;
        }
        catch (ServerUnreachableException e)
        {
            await err.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return ExitCodes.ServerUnreachable;
        }
        catch (RunFailedException e)
        {
            await err.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return ExitCodes.RunFailed;
        }
        catch (RpcException e)
        {
            await WriteRpcErrorAsync(err, e).ConfigureAwait(false);
            return e.StatusCode switch
            {
                StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.ResourceExhausted or StatusCode.OutOfRange => ExitCodes.BadInput,
                StatusCode.Unavailable => ExitCodes.ServerUnreachable,
                StatusCode.Cancelled when cancellationToken.IsCancellationRequested => ExitCodes.Interrupted,
                _ => ExitCodes.RunFailed,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await err.WriteLineAsync("interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
    }

    /// <summary>The status detail, then one line per field violation or quota violation the service attached.</summary>
    private static async Task WriteRpcErrorAsync(TextWriter err, RpcException e)
    {
        var status = e.GetRpcStatus();
        var badRequest = status?.GetDetail<BadRequest>();
        var quota = status?.GetDetail<QuotaFailure>();
        if (badRequest is { FieldViolations.Count: > 0 })
        {
            foreach (var v in badRequest.FieldViolations)
            {
                await err.WriteLineAsync($"error: {v.Field}: {v.Description}").ConfigureAwait(false);
            }

            return;
        }

        if (quota is { Violations.Count: > 0 })
        {
            foreach (var v in quota.Violations)
            {
                await err.WriteLineAsync($"error: {v.Subject}: {v.Description}").ConfigureAwait(false);
            }

            return;
        }

        await err.WriteLineAsync($"error: {e.StatusCode}: {e.Status.Detail}").ConfigureAwait(false);
    }
}
