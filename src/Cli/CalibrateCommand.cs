using System.CommandLine;
using System.Globalization;
using NetnsPolicy.Calibration;
using NetnsPolicy.Cli.Terminal;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Cli;

/// <summary><c>calibrate DIR [DIR…] [--profile BASE] [--out FILE]</c>: fits a profile's costs to probe measurements, one session or several at once.</summary>
internal static class CalibrateCommand
{
    public static Command Create()
    {
        var dirArg = new Argument<string[]>("measurements")
        {
            Description = "A folder written by 'netns-policy probe', or several sessions of one host (same era, CPUs, HZ and preemption; the builds may differ) to fit one profile to all of them at once.",
            Arity = ArgumentArity.OneOrMore,
        };
        var profileOpt = new Option<string?>("--profile") { Description = "Base profile id or file (default: the shipped era closest below the measured kernel)." };
        var outOpt = new Option<string?>("--out") { Description = "Where to write the fitted profile (default with one folder: <measurements>/profile.json; required with several)." };
        var idOpt = new Option<string?>("--id") { Description = "Id of the fitted profile (default: host-<kernel major.minor>)." };
        var evalOpt = new Option<int>("--max-evaluations") { Description = "Simulations the optimiser may run.", DefaultValueFactory = _ => 160 };
        var varEvalOpt = new Option<int>("--max-variation-evaluations") { Description = "Evaluations of the run-to-run variation fit (each several replications of the fitted experiments); 0: no variation.", DefaultValueFactory = _ => 40 };
        var deferOpt = new Option<double?>("--expedited-qs-defer-probability") { Description = "Measured on the host with scripts/trace-release.py: the share of expedited-GP IPIs that find the cleanup_net worker unable to report its quiescent state (then reported at its CPU's next tick, in any phase of the worker). Default: the base profile's (none)." };
        var umountOpt = new Option<string?>("--expedited-from-umounts")
        {
            Description = "Set the expedited grace period's length to the median umount the probe measured in the fitted bursts (one synchronize_rcu_expedited each) instead of scaling it with the rcu scale; with a folder, the umounts of that probe session (same kernel build and CPU count).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var noCacheOpt = new Option<bool>("--no-creation-cache") { Description = "Leave out the creation_cache the probe's creation-gap experiments measure (a creation after a pause runs cold): every creation then costs the same." };
        var gpOpt = new Option<bool>("--normal-gp-from-idle") { Description = "Set rcu.normal_gp_base_jiffies from the idle host's synchronize_rcu the probe timed (host.sync_rcu_idle_ms) instead of scaling it with the rcu scale." };
        var cmd = new Command("calibrate", "Fit a kernel profile's cost parameters to probe measurements (Nelder–Mead, least squares on log errors) and write the fitted profile.")
        {
            dirArg, profileOpt, outOpt, idOpt, evalOpt, varEvalOpt, deferOpt, umountOpt, gpOpt, noCacheOpt,
        };
        cmd.SetAction((parse, token) =>
        {
            var console = CliConsole.From(parse);
            try
            {
                if (parse.GetValue(deferOpt) is { } d && !(d is >= 0 and <= 1))
                {
                    throw new InputValidationException([new FieldError("--expedited-qs-defer-probability", $"must be within [0, 1], got {d.ToString(CultureInfo.InvariantCulture)}")]);
                }

                var dirs = parse.GetValue(dirArg)!;
                if (dirs.Length > 1 && parse.GetValue(outOpt) is null)
                {
                    throw new InputValidationException([new FieldError("--out", $"required with {dirs.Length} sessions: a pooled fit belongs to none of their folders")]);
                }

                var dir = dirs[0];
                var sets = dirs.Select(MeasurementSet.Load).ToList();
                var set = sets[0];
                var baseProfile = KernelProfileLoader.Load(parse.GetValue(profileOpt) ?? EraSelector.ForKernel(set.Host.KernelRelease));
                var release = set.Host.KernelRelease.Split('-')[0].Split('.');
                var id = parse.GetValue(idOpt) ?? "host-" + string.Join('.', release.Take(2));
                var replays = dirs.Zip(sets, (d, s) => new Replay(d, s)).ToList();
                Calibrator.SessionLabels(replays);
                console.Out.WriteLine($"fitting {string.Join(", ", CostScales.Names)} cost scales of {baseProfile.Id} to {string.Join(", ", dirs.Zip(sets, (d, s) => $"{d} (Linux {s.Host.KernelRelease}, {s.Host.OnlineCpus} CPUs)"))}");
                var options = new CalibrationOptions(id, string.Join(", ", dirs), parse.GetValue(evalOpt), Math.Max(0, parse.GetValue(varEvalOpt))) { ExpeditedQsDeferProbability = parse.GetValue(deferOpt), ExpeditedUmounts = UmountSet(parse, umountOpt, dir, set), NormalGpFromIdle = parse.GetValue(gpOpt), CreationCache = !parse.GetValue(noCacheOpt) };
                var result = Calibrator.Fit(replays, baseProfile, options, token);
                var outPath = parse.GetValue(outOpt) ?? Path.Combine(dir, "profile.json");
                File.WriteAllText(outPath, ProfileWriter.Serialize(result.Profile));
                console.Out.WriteLine(string.Join("  ", result.Scales.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} ×{s.Value:F3}"))) + $"   ({result.Evaluations} simulations)");
                console.Out.Write(ComparisonTable.Render(result.Comparisons));
                console.Out.WriteLine($"wrote {outPath} (id {id})");
                return Task.FromResult(0);
            }
            catch (Exception e) when (e is InputValidationException or FileNotFoundException or InvalidDataException or System.Text.Json.JsonException)
            {
                console.Error.WriteLine("calibrate: " + Describe(e));
                return Task.FromResult(2);
            }
        });
        return cmd;
    }

    /// <summary>The measurements --expedited-from-umounts names: none when absent, the fitted ones without a folder.</summary>
    private static MeasurementSet? UmountSet(ParseResult parse, Option<string?> option, string dir, MeasurementSet fitted)
    {
        if (parse.GetResult(option) is null)
        {
            return null;
        }

        var other = parse.GetValue(option);
        if (string.IsNullOrEmpty(other) || Path.GetFullPath(other) == Path.GetFullPath(dir))
        {
            return fitted;
        }

        try
        {
            return MeasurementSet.Load(other);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new InputValidationException([new FieldError("--expedited-from-umounts", e.Message)]);
        }
    }

    internal static string Describe(Exception e) =>
        e is InputValidationException v ? string.Join("; ", v.Errors.Select(err => $"{err.Field}: {err.Message}")) : e.Message;
}
