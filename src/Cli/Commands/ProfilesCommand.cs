using System.CommandLine;
using System.Text.Json;
using Google.Protobuf;
using NetnsPolicy.Cli.Connection;
using NetnsPolicy.Contracts.V1;

namespace NetnsPolicy.Cli.Commands;

/// <summary><c>profiles [--format text|json]</c>: the kernel profiles the service offers.</summary>
internal static class ProfilesCommand
{
    public static Command Create()
    {
        var connection = new ConnectionOptions();
        var format = OutputFormat.Create("text", "json");
        var cmd = new Command("profiles", "List the kernel profiles the service offers (ids for --profile and tournament tracks).") { format };
        connection.AddTo(cmd);
        CliAction.Set(cmd, async (parse, console, ct) =>
        {
            await using var service = await ServiceConnection.OpenAsync(connection.Read(parse), ct).ConfigureAwait(false);
            var answer = await service.Catalog.ListKernelProfilesAsync(new ListKernelProfilesRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct).ConfigureAwait(false);
            if (parse.GetValue(format) == "json")
            {
                await console.Out.WriteLineAsync(JsonFormatter.Default.Format(answer)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            foreach (var profile in answer.Profiles.OrderBy(p => p.Id, StringComparer.Ordinal))
            {
                await console.Out.WriteLineAsync($"{profile.Id,-28} {Describe(profile.Json)}").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>The profile's own description (or kernel version) from its JSON, when it has one.</summary>
    private static string Describe(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            foreach (var name in new[] { "description", "kernel", "kernel_version", "name" })
            {
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString() ?? "";
                }
            }
        }
        catch (JsonException)
        {
        }

        return "";
    }
}
