using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using NetnsPolicy.Cli.Connection;
using NetnsPolicy.Cli.Terminal;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Cli.Commands;

/// <summary>
/// <c>compare &lt;workload&gt; --policy A --policy B … [--baseline LABEL] [--seed N]… [--replications N] [--out DIR]</c>:
/// one workload, several policies against a baseline, as a comparative report.
/// </summary>
internal static class CompareCommand
{
    /// <summary>Replications when none are asked for: with 5 against 5 the smallest two-sided Mann–Whitney p-value is 0.008.</summary>
    public const int DefaultReplications = 5;

    public static Command Create()
    {
        var connection = new ConnectionOptions();
        var workload = new Argument<string>("workload") { Description = "A workload file, or the name of a shipped workload (" + string.Join(", ", Simulation.Workloads.WorkloadLoader.BuiltInNames) + ")." };
        var policies = new Option<string[]>("--policy", "-p")
        {
            Description = "A contender, SPEC[:NAME=VALUE,…] (e.g. batching:batch_size=32); at least two. Labels are the spec, with parameters in brackets.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var baseline = new Option<string?>("--baseline") { Description = "Label of the contender the others are compared with (default: the first)." };
        var seeds = new Option<ulong[]>("--seed") { Description = "Seeds (default: the workload's).", AllowMultipleArgumentsPerToken = true };
        var replications = new Option<int>("--replications", "-r")
        {
            Description = $"Replications per seed (default {DefaultReplications}: enough for Mann–Whitney to reach p < 0.05 on varying results, while identical ones are reported as one deterministic observation; 0: the workload's own).",
            DefaultValueFactory = _ => DefaultReplications,
        };
        var profile = new Option<string?>("--profile") { Description = "Kernel profile id (default: the workload's)." };
        var timeout = new Option<int>("--timeout") { Description = "Wall-clock limit of the run in seconds (0: the service's default).", DefaultValueFactory = _ => 0 };
        var outDir = new Option<string?>("--out", "-o") { Description = "Folder to write the report to, as Markdown, HTML, JSON and CSV." };
        var format = OutputFormat.Create("markdown", "json", "none");
        var thresholds = new Option<string[]>("--threshold")
        {
            Description = "Practical threshold: the smallest effect called better or worse, as a fraction of the baseline's mean (default 0.02), or METRIC=FRACTION for one metric; repeatable. The report is then judged and rendered here from the samples the service returns.",
            AllowMultipleArgumentsPerToken = false,
        };
        policies.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string[]>() is { Length: < 2 } given)
            {
                r.AddError($"--policy: a comparison needs at least two policies, got {given.Length}");
            }
        });
        replications.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError("--replications: must be 1 or more (0 for the workload's own)");
            }
        });
        timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError("--timeout: must not be negative");
            }
        });
        var cmd = new Command("compare", "Compare several policies on one workload against a baseline: confidence intervals, ratios, significance, verdicts.")
        {
            workload, policies, baseline, seeds, replications, profile, timeout, outDir, format, thresholds,
        };
        connection.AddTo(cmd);
        CliAction.Set(cmd, async (parse, console, ct) =>
        {
            var request = new SubmitComparisonRequest
            {
                Workload = WorkloadArgument.ToSource(parse.GetValue(workload)!),
                KernelProfile = parse.GetValue(profile) ?? "",
                Baseline = parse.GetValue(baseline) ?? "",
                Seeds = new SeedPlan { Replications = parse.GetValue(replications) },
                Description = "netns-policy compare",
            };
            var given = parse.GetValue(policies)!;
            request.Policies.Add(given.Select((p, i) => PolicyArgument.Parse(p, $"--policy[{i}]")));
            request.Seeds.Seeds.Add(parse.GetValue(seeds) ?? []);
            if (parse.GetValue(timeout) is > 0 and var seconds)
            {
                request.Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(seconds));
            }

            var duplicate = request.Policies.GroupBy(p => p.Label, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new InputValidationException("--policy", $"'{duplicate.Key}' is given twice");
            }

            var output = parse.GetValue(outDir);
            var judged = parse.GetValue(thresholds) is { Length: > 0 } specs ? Reports.PracticalThresholds.Parse(specs, "--threshold") : null;
            await using var service = await ServiceConnection.OpenAsync(connection.Read(parse), ct).ConfigureAwait(false);
            var run = await service.Runs.SubmitComparisonAsync(request, deadline: DateTime.UtcNow.AddMinutes(1), cancellationToken: ct).ConfigureAwait(false);
            await console.Error.WriteLineAsync($"run {run.Id}: {run.SimulationsTotal} simulations of {run.Workload} on {run.KernelProfile}, baseline {run.Baseline}").ConfigureAwait(false);
            var final = await ProgressView.RunAsync(console, "compare", report => RunWatcher.WatchAsync(service.Runs, run.Id, report, ct)).ConfigureAwait(false);
            if (final.State != RunState.Succeeded)
            {
                throw new RunFailedException($"run {final.Id} ended {final.State}: {final.StatusDetail}");
            }

            var response = await ReportArtifacts.FetchAsync(service.Runs, run.Id, all: output is not null || judged is not null, ct).ConfigureAwait(false);
            if (judged is not null)
            {
                response = ReportArtifacts.Rejudged(response, judged);
                if (parse.GetValue(format) == "json")
                {
                    await console.Out.WriteLineAsync(ReportArtifacts.Json(response)).ConfigureAwait(false);
                    return await ReportOutput.WriteAsync(console, response, "none", output, ct).ConfigureAwait(false);
                }
            }

            return await ReportOutput.WriteAsync(console, response, parse.GetValue(format)!, output, ct).ConfigureAwait(false);
        });
        return cmd;
    }
}
