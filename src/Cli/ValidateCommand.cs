using System.CommandLine;
using System.Globalization;
using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Cli;

/// <summary><c>validate DIR --profile P [--max-held-out-rms X]</c>: predicted vs measured for every probe quantity.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var dirArg = new Argument<string>("measurements") { Description = "A folder written by 'netns-policy probe'." };
        var profileOpt = new Option<string>("--profile") { Description = "Profile id or file to validate.", Required = true };
        var maxOpt = new Option<double?>("--max-held-out-rms") { Description = "Fail (exit 1) when the RMS log error of the held-out central quantities (medians, means, teardown, memory) exceeds this." };
        var cmd = new Command("validate", "Run a profile against probe measurements and print predicted vs measured with the error of each quantity.")
        {
            dirArg, profileOpt, maxOpt,
        };
        cmd.SetAction((parse, token) =>
        {
            try
            {
                var dir = parse.GetValue(dirArg)!;
                var set = MeasurementSet.Load(dir);
                var profile = KernelProfileLoader.Load(parse.GetValue(profileOpt)!);
                var replay = new Replay(dir, set);
                var rows = replay.Compare(profile, fittedOnly: false, token);
                Console.Out.WriteLine($"profile {profile.Id} vs {dir} (Linux {set.Host.KernelRelease}, {set.Host.OnlineCpus} CPUs, measured {set.Host.TakenAt:yyyy-MM-dd})");
                Console.Out.Write(ComparisonTable.Render(rows));
                Console.Out.Write(ComparisonTable.RenderSession(rows));
                Console.Out.Write(HostActivity.Render(set.Experiments));
                if (CreationCacheFit.Measure(set) is { } cache)
                {
                    Console.Out.Write(CreationCacheFit.Render(cache, profile.CreationCache));
                }

                foreach (var (e, shares, samples, contended) in ProfileComparison.ForSet(replay, profile, token))
                {
                    Console.Out.Write(ProfileComparison.Render(e.Name + (e.Fit ? " (fitted)" : " (held out)"), shares, 10, samples, contended));
                    Console.Out.Write(ProfileComparison.RenderHostRunSpread(ProfileComparison.HostRunSpread(dir, e, shares.Take(10).ToList()), e.PerfRuns ?? 0));
                }

                Console.Out.Write(CleanupRunComparison.Render(CleanupRunComparison.ForSet(replay, profile, token)));
                var held = Calibrator.Rms(ComparisonTable.HeldOutCentral(rows));
                if (parse.GetValue(maxOpt) is { } max && held > max)
                {
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FAIL: held-out RMS log error {held:F3} > {max:F3}"));
                    return Task.FromResult(1);
                }

                return Task.FromResult(0);
            }
            catch (Exception e) when (e is InputValidationException or FileNotFoundException or InvalidDataException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine("validate: " + CalibrateCommand.Describe(e));
                return Task.FromResult(2);
            }
        });
        return cmd;
    }
}
