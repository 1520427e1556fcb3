using System.Globalization;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Calibration;

/// <summary>
/// Fits a profile's free costs (<see cref="CostScales"/>) to a measurement set (docs/calibration.md): memory is solved
/// directly; the four cost scales minimise the sum of squared log errors over the fitted quantities
/// (<see cref="Replay.IsFitQuantity"/>) with Nelder–Mead in log-scale space, every evaluation a deterministic
/// simulation of the fitted experiments.
/// </summary>
public static class Calibrator
{
    public static CalibrationResult Fit(Replay replay, KernelProfile baseProfile, CalibrationOptions options, CancellationToken token = default) =>
        Fit([replay], baseProfile, options, token);

    /// <summary>
    /// Fits one profile to several probe sessions of one host at once (<c>calibrate DIR DIR…</c>): the objective sums
    /// every session's fitted quantities (named <c>session/experiment</c>), and the measured parts are pooled — memory
    /// the sessions' median, the pernet ops' exit costs and a device's parts over every session's perf profiles (the
    /// kernel symbols the first session's), the cooling with a warm cost per session (<see cref="CreationCacheFit"/>),
    /// the umounts' and the idle grace periods' medians over all. The sessions must share the era, the CPUs, HZ and the
    /// preemption model; the builds may differ (that is the point: one boot's costs do not carry to the next build,
    /// docs/calibration.md). One session gives exactly <see cref="Fit(Replay, KernelProfile, CalibrationOptions, CancellationToken)"/>'s result.
    /// </summary>
    public static CalibrationResult Fit(IReadOnlyList<Replay> replays, KernelProfile baseProfile, CalibrationOptions options, CancellationToken token = default)
    {
        // Bad input first, before any simulation.
        var labels = SessionLabels(replays);
        var pooled = replays.Count > 1;
        var replay = replays[0];
        var set = replay.Set;
        var sets = replays.Select(r => r.Set).ToList();
        var expedited = options.ExpeditedUmounts is { } umounts
            ? pooled && ReferenceEquals(umounts, set) ? PooledExpeditedNs(sets) : MeasuredExpeditedNs(umounts, set)
            : ((long Ns, int Runs)?)null;
        if (options.NormalGpFromIdle && sets.Any(s => s.Host.SyncRcuIdleMs is not { Count: > 0 } || s.Host.OnlineCpus < 2 || s.Host.Hz <= 0))
        {
            throw new InputValidationException([new FieldError("--normal-gp-from-idle", $"the measurements{(pooled ? " of " + string.Join(", ", labels.Where((_, i) => sets[i].Host.SyncRcuIdleMs is not { Count: > 0 })) : "")} have no idle synchronize_rcu times (host.sync_rcu_idle_ms, probed from 2026-12-03 on a machine with two or more CPUs and a known HZ)")]);
        }

        var cache = options.CreationCache ? (pooled ? CreationCacheFit.Measure([.. sets.Zip(labels)]) : CreationCacheFit.Measure(set)) : null;

        // Memory: the sessions' median (one session: its own).
        var memories = sets.Select(s => s.Experiments.SelectMany(e => e.Quantities.Where(q => q.Name == Quantities.BytesPerNetns)).FirstOrDefault()).Where(q => q is not null).Select(q => q!.Value).ToList();
        double? memory = memories.Count == 0 ? null : Median(memories);
        var start = memory is not { } bytes ? baseProfile : CostScales.WithMeasuredMemory(baseProfile, bytes, Math.Max(1, set.Host.PossibleCpus));

        // The host's own pernet ops: those its kernel has, with the exit costs its perf profiles measure (fitted bursts only).
        var hostOpsText = "";
        if (HostPernetOps.LoadSymbols(replay.Directory) is { } symbols)
        {
            var sampled = replays.SelectMany(r => r.Set.Experiments
                .Where(e => e.Fit && e.Perf is not null && File.Exists(Path.Combine(r.Directory, e.Perf)) && r.Workload(e).Burst is not null)
                .Select(e => (FoldedStacks.Load(Path.Combine(r.Directory, e.Perf!)), r.Workload(e).Burst!.Count * (e.PerfRuns ?? 1))))
                .ToList();
            var hostOps = HostPernetOps.Apply(start, symbols, sampled);
            start = hostOps.Profile;
            hostOpsText = HostPernetOps.Describe(hostOps);
        }

        // The host's preemption model is structure read from its kernel (HostInspector.ParsePreemption), not fitted.
        var (withPreemption, preemptionText) = HostPreemption(start, set.Host);
        start = withPreemption;
        if (options.ExpeditedQsDeferProbability is { } defer)
        {
            // Measured on the host's kernel, not fitted (scripts/trace-release.py): the share of expedited IPIs that find
            // the cleanup_net worker unable to report, its state then coming at the next tick, in any phase of the worker.
            start = start with { Rcu = start.Rcu with { ExpeditedQsDeferProbability = defer, ExpeditedQsTickOnCleanupWorker = true } };
            preemptionText += string.Create(CultureInfo.InvariantCulture, $"Expedited quiescent states: {defer:F2} of the IPIs on the cleanup_net worker deferred, reported at the next tick (measured with scripts/trace-release.py, not fitted). ");
        }

        if (cache is not null)
        {
            // Measured, not fitted: how a creation's CPU time grows with the pause before it (the probe's creation-gap
            // experiments). The init scale is fitted with it in place, so the init costs are a warm creation's.
            start = start with { CreationCache = cache.Spec };
            preemptionText += CreationCacheFit.Describe(cache);
        }

        var measuredRcu = MeasuredRcu.None;
        if (options.NormalGpFromIdle)
        {
            var syncs = sets.SelectMany(s => s.Host.SyncRcuIdleMs!).ToList();
            // Measured, not fitted: the idle host's synchronize_rcu (membarrier, GracePeriodProbe) is a normal GP with
            // no CPU busy, the model's normal_gp_base_jiffies.
            var syncNs = (long)Math.Round(Prober.Percentile([.. syncs], 0.5) * 1e6);
            start = CostScales.WithMeasuredNormalGp(start, syncNs, set.Host.OnlineCpus, set.Host.Hz);
            measuredRcu |= MeasuredRcu.NormalBase;
            preemptionText += string.Create(CultureInfo.InvariantCulture, $"Normal grace period with no CPU busy: {syncNs / 1e6:F3} ms, the median of {syncs.Count} synchronize_rcu on the idle host (membarrier MEMBARRIER_CMD_GLOBAL, measured by netns-policy probe, not fitted): normal_gp_base_jiffies {start.Rcu.NormalGpBaseJiffies} at HZ {set.Host.Hz}, not scaled by the rcu scale. ");
        }

        // The expedited grace period's length measured on the host, not fitted: an uncontended umount of a /run/netns
        // bind mount is one synchronize_rcu_expedited in namespace_unlock (fs/namespace.c) and little else.
        if (expedited is var (umountNs, runs))
        {
            var cpusOnline = Math.Max(1, set.Host.OnlineCpus);
            start = CostScales.WithMeasuredExpedited(start, umountNs, cpusOnline);
            measuredRcu |= MeasuredRcu.Expedited;
            var where = ReferenceEquals(options.ExpeditedUmounts, set) ? (pooled ? string.Create(CultureInfo.InvariantCulture, $" of {replays.Count} sessions") : "") : string.Create(CultureInfo.InvariantCulture, $" of another session of this host ({options.ExpeditedUmounts!.Host.KernelRelease})");
            preemptionText += string.Create(CultureInfo.InvariantCulture, $"Expedited grace period: {umountNs / 1000.0:F1} µs on {cpusOnline} CPUs, the median of {runs} fitted burst runs' median umount{where} (measured by netns-policy probe, not fitted: expedited_base_ns {start.Rcu.ExpeditedBaseNs}, expedited_per_cpu_ns {start.Rcu.ExpeditedPerCpuNs}, the base profile's split; not scaled by the rcu scale). ");
        }

        KernelProfile Scaled(KernelProfile p, double[] s) => CostScales.Apply(p, s, measuredRcu);

        // Every session's rows, named session/experiment when there are several, in session order.
        IReadOnlyList<Comparison> CompareAll(KernelProfile p, bool fittedOnly, Func<Experiment, MeasuredQuantity, bool>? include)
        {
            if (!pooled)
            {
                return replay.Compare(p, fittedOnly, include, token);
            }

            var all = new List<Comparison>();
            for (var i = 0; i < replays.Count; i++)
            {
                var label = labels[i];
                all.AddRange(replays[i].Compare(p, fittedOnly, include, token).Select(r => r with { Experiment = label + "/" + r.Experiment }));
            }

            return all;
        }

        // Stage 1: the cost scales on the central quantities, without variation (every replication identical).
        bool Central(Experiment e, MeasuredQuantity q) => Replay.IsFitQuantity(e, q) && !Quantities.IsSpread(q.Name);
        var noVariation = start with { Variation = null };
        double Objective(double[] logScales)
        {
            var rows = CompareAll(Scaled(noVariation, logScales.Select(Math.Exp).ToArray()), fittedOnly: true, Central);
            return rows.Sum(r => r.LogError is { } e ? e * e : 25.0);
        }

        // Stage 1a: the init scale alone on the creation quantities (a creation is setup_net's init costs, and nothing
        // else moves it much), then all four from there. Starting the teardown scales from a point whose creations are
        // already right keeps the 4-D search out of the valleys where a wrong init is traded against exit or RCU costs.
        var creation = Central;
        bool CreationOnly(Experiment e, MeasuredQuantity q) => creation(e, q) && (Quantities.IsWindowed(q.Name) ? Quantities.Unwindowed(q.Name) : q.Name).StartsWith("creation_", StringComparison.Ordinal);
        double InitObjective(double[] logInit)
        {
            var rows = CompareAll(Scaled(noVariation, [Math.Exp(logInit[0]), 1, 1, 1]), fittedOnly: true, CreationOnly);
            return rows.Sum(r => r.LogError is { } e ? e * e : 25.0);
        }

        var start1 = new double[CostScales.Names.Count];
        var initEvaluations = 0;
        if (sets.Any(s => s.Experiments.Any(e => e.Quantities.Any(q => CreationOnly(e, q)))))
        {
            var (ix, _, ie) = NelderMead.MinimiseRobust(InitObjective, [0.0], Math.Log(2), Math.Max(6, options.MaxEvaluations / 6), 1e-5, token);
            start1[0] = ix[0];
            initEvaluations = ie;
        }

        var (x, f, evaluations) = NelderMead.MinimiseRobust(Objective, start1, Math.Log(2), Math.Max(CostScales.Names.Count + 2, options.MaxEvaluations - initEvaluations), 1e-4, token);
        evaluations += initEvaluations;

        // Stage 2: a device's unregistration measured part by part on the perf profiles of the fitted bursts
        // (HostDeviceCosts: the notifier chain, RTM_DELLINK, the kobjects, the sysfs groups, the uevents, the todo list),
        // then the devices' RCU callbacks fitted to the shares of the host's top 10 functions, then stage 1 again from
        // where it stopped. The teardown times cannot tell these apart; the perf profile can.
        var perf = replays.SelectMany((r, i) => r.Set.Experiments.Where(e => e.Fit && e.Perf is not null && File.Exists(Path.Combine(r.Directory, e.Perf))).Select(e => (Replay: r, E: e, Name: pooled ? labels[i] + "/" + e.Name : e.Name))).ToList();
        var rcuCallbackScale = 1.0;
        var profileEvaluations = 0;
        IReadOnlyList<HostDeviceCosts.Measured> deviceParts = [];
        if (perf.Count > 0 && options.MaxProfileEvaluations > 0)
        {
            var hostProfiles = perf.Select(p => FoldedStacks.Load(Path.Combine(p.Replay.Directory, p.E.Perf!))).ToList();
            var current = Scaled(noVariation, x.Select(Math.Exp).ToArray());
            deviceParts = HostDeviceCosts.Measure(perf.Select((p, i) => (hostProfiles[i], p.E.PerfRuns ?? 1, p.Replay.PerfProfiles(current, p.E, token))).ToList());
            noVariation = HostDeviceCosts.Apply(noVariation, deviceParts).Profile;
            current = Scaled(noVariation, x.Select(Math.Exp).ToArray());
            double ProfileObjective(double[] logScale)
            {
                var p = CostScales.ScaleRcuCallbacks(current, Math.Exp(logScale[0]));
                return perf.Select((q, i) => ProfileComparison.SquaredError(hostProfiles[i], q.Replay.PerfProfiles(p, q.E, token), 10)).Sum();
            }

            var (cx, _, ce) = NelderMead.MinimiseRobust(ProfileObjective, [0.0], Math.Log(3), options.MaxProfileEvaluations, 1e-3, token);
            rcuCallbackScale = Math.Clamp(Math.Exp(cx[0]), 0.01, 1000);
            profileEvaluations = ce;
            noVariation = CostScales.ScaleRcuCallbacks(noVariation, rcuCallbackScale);

            // Stage 1 again, now with the profiles' residual beside the central quantities (a share point weighs as a
            // percent of log error): a burst's teardown times cannot tell the plain ops' exits from the device round
            // (both inside cleanup_net, so the exit and device scales trade against each other along a flat valley:
            // exit ×0.46 … ×5.7 from the same measurements), ops_exit_list's share beside default_device_exit_batch's can.
            double WithProfiles(double[] logScales)
            {
                var p = Scaled(noVariation, logScales.Select(Math.Exp).ToArray());
                var rows = CompareAll(p, fittedOnly: true, Central);
                var central = rows.Sum(r => r.LogError is { } e ? e * e : 25.0);
                return central + perf.Select((q, i) => ProfileComparison.SquaredError(hostProfiles[i], q.Replay.PerfProfiles(p, q.E, token), 10)).Sum();
            }

            var (x2, f2, e2) = NelderMead.MinimiseRobust(WithProfiles, x, Math.Log(1.5), Math.Max(8, options.MaxEvaluations / 2), 1e-4, token);
            (x, f, evaluations) = (x2, f2, evaluations + e2);
        }

        var scales = x.Select(Math.Exp).ToArray();
        var fitted = Scaled(noVariation, scales);

        // Stage 3: the variation on the spread quantities (with the central ones, so the medians stay where stage 1
        // put them), each evaluation as many replications as the host had runs.
        VariationSpec? variation = null;
        var variationEvaluations = 0;
        var cpus = Math.Max(1, set.Host.OnlineCpus);
        if (options.MaxVariationEvaluations > 0 && sets.Any(s => s.Experiments.Any(e => e.Quantities.Any(q => Quantities.IsSpread(q.Name) && Replay.IsFitQuantity(e, q)))))
        {
            double VariationObjective(double[] p)
            {
                var rows = CompareAll(fitted with { Variation = VariationFit.ToSpec(p, cpus) }, fittedOnly: true, null);
                return rows.Sum(r => r.LogError is { } e ? e * e : 25.0);
            }

            var starts = VariationFit.Starts(cpus);
            var best = starts.Select(s => (Start: s, F: VariationObjective(s))).OrderBy(s => s.F).First().Start;
            var (vx, _, vEvaluations) = NelderMead.MinimiseRobust(VariationObjective, best, Math.Log(3), Math.Max(VariationFit.Names.Count + 2, options.MaxVariationEvaluations - starts.Count), 1e-4, token);
            vEvaluations += starts.Count;
            variation = VariationFit.ToSpec(vx, cpus);
            variationEvaluations = vEvaluations;
            fitted = fitted with { Variation = variation };
        }

        var rows = CompareAll(fitted, fittedOnly: false, null);
        var fitRows = rows.Where(r => r.Fitted && r.LogError is not null).ToList();
        var heldOut = ComparisonTable.HeldOutCentral(rows);
        var tails = rows.Where(r => !r.Fitted && r.IsTail && r.LogError is not null).ToList();
        var spread = rows.Where(r => !r.Fitted && r.IsSpread && r.LogError is not null).ToList();
        var c = CultureInfo.InvariantCulture;
        var h = set.Host;
        var scaleText = string.Join(", ", CostScales.Names.Select((n, i) => string.Create(c, $"{n} ×{scales[i]:F3}")));
        var perfText = profileEvaluations == 0
            ? "no perf profile fitted; "
            : string.Create(c, $"{HostDeviceCosts.Describe(deviceParts)}the devices' RCU callbacks (kernfs_free_rcu_ns, device_rcu_callback_ns) ×{rcuCallbackScale:F3} fitted to the perf profiles of {string.Join(", ", perf.Select(p => p.Name))} ({profileEvaluations} evaluations; squared share differences of the host's top 10 functions); ");
        var variationText = variation is null
            ? "no variation fitted; "
            : string.Create(c, $"run-to-run variation fitted to the spread (CV) of the fitted experiments ({variationEvaluations} evaluations of {Replay.DefaultReplications}+ replications each): run_cost_cv {variation.RunCostCv:F3}, op_cost_cv {variation.OpCostCv:F3}, gp_cv {variation.GpCv:F3}, competing_cpus {variation.CompetingCpus:F3}, competing_burst_us {variation.CompetingBurstUs:F0}, stalls_per_second {variation.StallsPerSecond:F3}, stall_us {variation.StallUs:F0}; ");
        fitted = fitted with
        {
            Id = options.Id,
            Description = pooled
                ? $"Fitted to {replays.Count} sessions of {h.Hostname} ({h.OnlineCpus} CPUs, HZ {h.Hz}; Linux {string.Join(", ", sets.Select(s => s.Host.KernelRelease).Distinct())}) measured {string.Join(", ", sets.Select(s => s.Host.TakenAt.ToString("yyyy-MM-dd HH:mm", c)))}: {baseProfile.Id}'s structure with its costs scaled to the measurements of all of them at once."
                : $"Fitted to {h.Hostname} (Linux {h.KernelRelease}, {h.OnlineCpus} CPUs, HZ {h.Hz}) measured {h.TakenAt:yyyy-MM-dd}: {baseProfile.Id}'s structure with its costs scaled to the measurements.",
            Sources = pooled
                ? [.. baseProfile.Sources, .. sets.Select((s, i) => $"netns-policy probe on {s.Host.Hostname}, Linux {s.Host.KernelRelease}, {s.Host.TakenAt:yyyy-MM-dd HH:mm} UTC ({replays[i].Directory})")]
                : [.. baseProfile.Sources, $"netns-policy probe on {h.Hostname}, Linux {h.KernelRelease}, {h.TakenAt:yyyy-MM-dd HH:mm} UTC ({options.MeasurementsLabel})"],
            Provenance = string.Create(c,
                $"Structure: {baseProfile.Id}. {preemptionText}{hostOpsText}Measured on this host: memory per netns ({(memory is not { } m ? "not measured: kept from " + baseProfile.Id : m.ToString("F0", c) + " bytes, " + (pooled ? $"the median of {memories.Count} sessions, " : "") + "solved for net_base_bytes")}). " +
                $"Fitted (netns-policy calibrate: Nelder–Mead on log scales, least squares of log errors, {evaluations} simulations of the fitted experiments): cost scales {scaleText} applied to {baseProfile.Id}'s init, exit, device-unregister and RCU costs; " +
                $"fit RMS log error {Rms(fitRows):F3} over {fitRows.Count} quantities ({string.Join(", ", fitRows.Select(r => r.Experiment + "." + r.Quantity))}); " +
                $"{perfText}{variationText}" +
                $"held out: RMS log error {Rms(heldOut):F3} over {heldOut.Count} central quantities ({string.Join(", ", heldOut.Select(r => r.Experiment + "." + r.Quantity))}) and {Rms(tails):F3} over {tails.Count} tail quantities (p90, p99, max), {Rms(spread):F3} over {spread.Count} spread quantities (CV). Relative costs within each group remain {baseProfile.Id}'s estimates."),
        };
        return new CalibrationResult(fitted, CostScales.Names.Zip(scales).ToDictionary(p => p.First, p => p.Second), f, evaluations + profileEvaluations + variationEvaluations, rows, deviceParts);
    }

    /// <summary>
    /// The expedited grace period's length on the host (ns) and how many runs it pools: the median over the fitted
    /// bursts' runs of each release's median umount (<c>umount_us_p50_per_run</c>; probes from 2026-12-02's eleventh
    /// round). The median umount is an uncontended one: the stalled ones (over 1 ms, while cleanup_net's worker
    /// defers its quiescent state) are under half of any release's.
    /// </summary>
    public static (long Ns, int Runs) MeasuredExpeditedNs(MeasurementSet umounts, MeasurementSet fitted)
    {
        if (umounts.Host.KernelRelease != fitted.Host.KernelRelease || umounts.Host.OnlineCpus != fitted.Host.OnlineCpus)
        {
            throw new InputValidationException([new FieldError("--expedited-from-umounts", $"the umounts were measured on Linux {umounts.Host.KernelRelease} with {umounts.Host.OnlineCpus} CPUs, the fitted measurements on {fitted.Host.KernelRelease} with {fitted.Host.OnlineCpus}: an expedited grace period's length is the kernel's and the CPU count's")]);
        }

        var medians = UmountMedians(umounts);
        if (medians.Count == 0)
        {
            throw new InputValidationException([new FieldError("--expedited-from-umounts", "the measurements have no umount times (umount_us_p50_per_run) in a fitted burst: probe again with this build, or name a session that has them")]);
        }

        return MedianNs(medians);
    }

    /// <summary>
    /// <see cref="MeasuredExpeditedNs"/> pooled over several sessions of one host: the median of every session's fitted
    /// bursts' per-run median umounts (the builds may differ: the length is the grace period machinery's and the CPU
    /// count's, and the sessions share the CPUs).
    /// </summary>
    public static (long Ns, int Runs) PooledExpeditedNs(IReadOnlyList<MeasurementSet> sets)
    {
        var medians = sets.SelectMany(UmountMedians).Order().ToList();
        if (medians.Count == 0)
        {
            throw new InputValidationException([new FieldError("--expedited-from-umounts", "none of the sessions has umount times (umount_us_p50_per_run) in a fitted burst: probe again with this build")]);
        }

        return MedianNs(medians);
    }

    private static List<double> UmountMedians(MeasurementSet set) => set.Experiments
        .Where(e => e.Fit && e.Kind == "burst" && e.Samples.TryGetValue("umount_us_p50_per_run", out _))
        .SelectMany(e => e.Samples["umount_us_p50_per_run"])
        .Where(v => v > 0)
        .Order()
        .ToList();

    private static (long Ns, int Runs) MedianNs(List<double> medians) => ((long)Math.Round(Median(medians) * 1000), medians.Count);

    /// <summary>The median: the middle value, or the mean of the two middle ones.</summary>
    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[(v.Count / 2) - 1] + v[v.Count / 2]) / 2;
    }

    /// <summary>
    /// The sessions' names (their folders' names) after checking they can be fitted together: at least one, no folder
    /// twice, and one host as the model sees it — the era (kernel major.minor), the online and possible CPUs, HZ and
    /// the preemption model. The build may differ.
    /// </summary>
    /// <exception cref="InputValidationException">The first session that differs, named with the field and both values.</exception>
    public static IReadOnlyList<string> SessionLabels(IReadOnlyList<Replay> replays)
    {
        if (replays.Count == 0)
        {
            throw new InputValidationException([new FieldError("measurements", "no probe session given")]);
        }

        var labels = replays.Select(r => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(r.Directory)))).ToList();
        if (replays.Count == 1)
        {
            return labels;
        }

        var errors = new List<FieldError>();
        foreach (var twice in labels.GroupBy(l => l, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add(new FieldError("measurements", $"the session {twice.Key} is given {twice.Count()} times: each session counts once in a pooled fit"));
        }

        static string Era(string release) => string.Join('.', release.Split('-')[0].Split('.').Take(2));
        var first = replays[0].Set.Host;
        for (var i = 1; i < replays.Count; i++)
        {
            var h = replays[i].Set.Host;
            void Differs(string field, string mine, string theirs)
            {
                if (mine != theirs)
                {
                    errors.Add(new FieldError($"{labels[i]}/host.{field}", $"is {theirs}, {labels[0]}'s is {mine}: a pooled fit needs one host as the model sees it (era, CPUs, HZ, preemption)"));
                }
            }

            Differs("kernel_release (era)", Era(first.KernelRelease), Era(h.KernelRelease));
            Differs("online_cpus", first.OnlineCpus.ToString(CultureInfo.InvariantCulture), h.OnlineCpus.ToString(CultureInfo.InvariantCulture));
            Differs("possible_cpus", first.PossibleCpus.ToString(CultureInfo.InvariantCulture), h.PossibleCpus.ToString(CultureInfo.InvariantCulture));
            Differs("hz", first.Hz.ToString(CultureInfo.InvariantCulture), h.Hz.ToString(CultureInfo.InvariantCulture));
            Differs("preemption", first.Preemption, h.Preemption);
        }

        return errors.Count == 0 ? labels : throw new InputValidationException(errors);
    }

    /// <summary>
    /// The profile with the host's preemption model when the probe read one the model has (<c>none</c>, <c>voluntary</c>),
    /// and the provenance sentence; a <c>full</c> or <c>lazy</c> kernel keeps the base profile's model, said so.
    /// </summary>
    public static (KernelProfile Profile, string Text) HostPreemption(KernelProfile profile, HostInfo host)
    {
        PreemptionModel? model = host.Preemption switch
        {
            "none" => PreemptionModel.None,
            "voluntary" => PreemptionModel.Voluntary,
            _ => null,
        };
        if (model is { } m)
        {
            return (profile with { Structure = profile.Structure with { Preemption = m } }, $"Preemption: {host.Preemption} ({host.PreemptionSource}). ");
        }

        return (profile, host.Preemption.Length == 0
            ? $"Preemption: not recorded by the probe; {profile.Structure.Preemption.ToString().ToLowerInvariant()} kept from the base profile. "
            : $"Preemption: the host's {host.Preemption} is not modelled; {profile.Structure.Preemption.ToString().ToLowerInvariant()} kept from the base profile. ");
    }

    /// <summary>Root mean square of the log errors: 0.1 ≈ predictions within ~10%.</summary>
    public static double Rms(IReadOnlyCollection<Comparison> rows) =>
        rows.Count == 0 ? 0 : Math.Sqrt(rows.Average(r => r.LogError is { } e ? e * e : 0));
}

/// <summary>Options of <see cref="Calibrator.Fit"/>.</summary>
public sealed record CalibrationOptions(string Id, string MeasurementsLabel, int MaxEvaluations = 160, int MaxVariationEvaluations = 40, int MaxProfileEvaluations = 24)
{
    /// <summary>rcu.expedited_qs_defer_probability measured on the host (with rcu.expedited_qs_tick_on_cleanup_worker), or null: the base profile's.</summary>
    public double? ExpeditedQsDeferProbability { get; init; }

    /// <summary>
    /// Measurements whose fitted bursts' umounts give the expedited grace period's length (<see cref="Calibrator.MeasuredExpeditedNs"/>:
    /// the fitted set itself, or another session of the same kernel build and CPU count), or null: the length is scaled with the rcu scale.
    /// </summary>
    public MeasurementSet? ExpeditedUmounts { get; init; }

    /// <summary>
    /// Whether rcu.normal_gp_base_jiffies is set from the idle host's synchronize_rcu (<see cref="HostInfo.SyncRcuIdleMs"/>)
    /// and left out of the rcu scale, instead of scaled with it.
    /// </summary>
    public bool NormalGpFromIdle { get; init; }

    /// <summary>
    /// Whether the profile gets the creation_cache the measurements' creation-gap experiments measure
    /// (<see cref="CreationCacheFit"/>; none without such experiments); false: every creation costs the same.
    /// </summary>
    public bool CreationCache { get; init; } = true;
}

/// <summary>The fitted profile, its scales, the objective reached and every quantity predicted vs measured.</summary>
public sealed record CalibrationResult(KernelProfile Profile, IReadOnlyDictionary<string, double> Scales, double Objective, int Evaluations, IReadOnlyList<Comparison> Comparisons, IReadOnlyList<HostDeviceCosts.Measured>? DeviceParts = null);
