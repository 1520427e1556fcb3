namespace NetnsPolicy.Simulation.Workloads;

/// <summary>Semantic checks of a parsed workload; every error names its field.</summary>
internal static class WorkloadValidator
{
    /// <summary>Largest namespace count one workload may hold alive or create in a burst.</summary>
    public const int MaxNamespaces = 1_000_000;

    public static List<FieldError> Validate(Workload w)
    {
        var e = new List<FieldError>();
        void Check(bool ok, string field, string message)
        {
            if (!ok)
            {
                e.Add(new FieldError(field, message));
            }
        }

        Check(w.FormatVersion == Workload.CurrentFormatVersion, "format_version", $"must be {Workload.CurrentFormatVersion} (this build reads format {Workload.CurrentFormatVersion}), got {w.FormatVersion}");
        Check(!string.IsNullOrWhiteSpace(w.Name), "name", "must be a non-empty name");
        var m = w.Machine;
        if (m is null)
        {
            e.Add(new FieldError("machine", "is required"));
        }
        else
        {
            Check(m.Cpus is >= 1 and <= 4096, "machine.cpus", $"must be between 1 and 4096, got {m.Cpus}");
            Check(m.PossibleCpus == 0 || (m.PossibleCpus >= m.Cpus && m.PossibleCpus <= 4096), "machine.possible_cpus", $"must be 0 (= cpus) or between cpus ({m.Cpus}) and 4096, got {m.PossibleCpus}");
            Check(m.Hz is 100 or 250 or 300 or 1000, "machine.hz", $"must be one of 100, 250, 300, 1000, got {m.Hz}");
            Check(m.MemoryLimitMb >= 0, "machine.memory_limit_mb", $"must be 0 (no limit) or positive, got {m.MemoryLimitMb}");
            Check(m.MaxNetNamespaces >= 0, "machine.max_net_namespaces", $"must be 0 (kernel default) or positive, got {m.MaxNetNamespaces}");
            Check(!string.IsNullOrWhiteSpace(m.KernelProfile), "machine.kernel_profile", "must name a kernel profile");
            Check(m.UeventListeners is not null, "machine.uevent_listeners", "must not be null");
            if (m.UeventListeners is not null)
            {
                Check(m.UeventListeners.NetnsFraction is >= 0 and <= 1, "machine.uevent_listeners.netns_fraction", $"must be within [0, 1], got {m.UeventListeners.NetnsFraction}");
            }

            Check(m.LeakedReferences is not null, "machine.leaked_references", "must not be null");
            if (m.LeakedReferences is not null)
            {
                Check(m.LeakedReferences.Fraction is >= 0 and <= 1, "machine.leaked_references.fraction", $"must be within [0, 1], got {m.LeakedReferences.Fraction}");
                Check(double.IsFinite(m.LeakedReferences.HoldMs) && m.LeakedReferences.HoldMs is >= 0 and <= 3_600_000, "machine.leaked_references.hold_ms", $"must be within [0, 3600000], got {m.LeakedReferences.HoldMs}");
            }

            Check(m.Ipv6AddressesPerNetns is >= 0 and <= 4096, "machine.ipv6_addresses_per_netns", $"must be within [0, 4096], got {m.Ipv6AddressesPerNetns}");
            Check(m.TunnelModules is not null, "machine.tunnel_modules", "must be a list (possibly empty)");
            if (m.TunnelModules is not null)
            {
                for (var i = 0; i < m.TunnelModules.Count; i++)
                {
                    Check(!string.IsNullOrWhiteSpace(m.TunnelModules[i]), $"machine.tunnel_modules[{i}]", "must be a module name");
                    Check(m.TunnelModules.Take(i).All(t => t != m.TunnelModules[i]), $"machine.tunnel_modules[{i}]", $"'{m.TunnelModules[i]}' is listed twice");
                }
            }
        }

        var any = false;
        if (w.InitialPopulation is { } pop)
        {
            Check(pop.Count is >= 0 and <= MaxNamespaces, "initial_population.count", $"must be between 0 and {MaxNamespaces}, got {pop.Count}");
            CheckDevices(pop.Devices, "initial_population.devices");
        }

        if (w.Burst is { } b)
        {
            any = true;
            Check(b.Count is >= 1 and <= MaxNamespaces, "burst.count", $"must be between 1 and {MaxNamespaces}, got {b.Count}");
            Check(b.CreateParallelism is >= 1 and <= 1024, "burst.create_parallelism", $"must be between 1 and 1024, got {b.CreateParallelism}");
            Check(double.IsFinite(b.DestroyAfterMs) && b.DestroyAfterMs >= 0, "burst.destroy_after_ms", $"must be ≥ 0, got {b.DestroyAfterMs}");
            Check(b.Release is "exit" or "umount", "burst.release", $"must be \"exit\" or \"umount\", got \"{b.Release}\"");
            Check(double.IsFinite(b.ProfileBeforeReleaseMs) && b.ProfileBeforeReleaseMs >= 0 && b.ProfileBeforeReleaseMs <= b.DestroyAfterMs, "burst.profile_before_release_ms", $"must be between 0 and burst.destroy_after_ms ({b.DestroyAfterMs}), got {b.ProfileBeforeReleaseMs}");
            Check(b.ProfileAfterPeersGoneMs is null or (>= 0 and <= 3_600_000), "burst.profile_after_peers_gone_ms", $"must be between 0 and 3600000, got {b.ProfileAfterPeersGoneMs}");
            CheckDevices(b.Devices, "burst.devices");
        }

        if (w.Loops is { } l)
        {
            any = true;
            Check(l.Count is >= 1 and <= 4096, "loops.count", $"must be between 1 and 4096, got {l.Count}");
            Check(l.Cycles is >= 1 and <= MaxNamespaces, "loops.cycles", $"must be between 1 and {MaxNamespaces}, got {l.Cycles}");
            Check((long)l.Count * l.Cycles <= 10L * MaxNamespaces, "loops", $"count × cycles must not exceed {10L * MaxNamespaces}");
            Check(double.IsFinite(l.LifetimeMs) && l.LifetimeMs >= 0, "loops.lifetime_ms", $"must be ≥ 0, got {l.LifetimeMs}");
            if (l.GapQuantilesMs is { } gaps)
            {
                Check(gaps.Count is >= 2 and <= 1001, "loops.gap_quantiles_ms", $"must hold between 2 and 1001 quantiles, got {gaps.Count}");
                for (var i = 0; i < gaps.Count; i++)
                {
                    Check(double.IsFinite(gaps[i]) && gaps[i] >= 0 && gaps[i] <= 60_000, $"loops.gap_quantiles_ms[{i}]", $"must be between 0 and 60000 ms, got {gaps[i]}");
                    Check(i == 0 || gaps[i] >= gaps[i - 1], $"loops.gap_quantiles_ms[{i}]", $"quantiles must not decrease: {gaps[i]} after {(i == 0 ? 0 : gaps[i - 1])}");
                }
            }

            CheckDevices(l.Devices, "loops.devices");
        }

        if (w.Churn is { } c)
        {
            any = true;
            Check(double.IsFinite(c.ArrivalsPerSecond) && c.ArrivalsPerSecond > 0 && c.ArrivalsPerSecond <= 100_000, "churn.arrivals_per_second", $"must be in (0, 100000], got {c.ArrivalsPerSecond}");
            Check(double.IsFinite(c.DurationMs) && c.DurationMs > 0, "churn.duration_ms", $"must be > 0, got {c.DurationMs}");
            Check(c.ArrivalsPerSecond * c.DurationMs / 1000 <= 10.0 * MaxNamespaces, "churn", "expected arrivals (rate × duration) exceed the workload size limit");
            CheckDevices(c.Devices, "churn.devices");
            if (c.Lifetime is null)
            {
                e.Add(new FieldError("churn.lifetime", "is required"));
            }
            else
            {
                Check(c.Lifetime.Distribution is "fixed" or "exponential" or "uniform" or "lognormal", "churn.lifetime.distribution", $"must be fixed, exponential, uniform or lognormal, got '{c.Lifetime.Distribution}'");
                Check(double.IsFinite(c.Lifetime.MeanMs) && c.Lifetime.MeanMs >= 0, "churn.lifetime.mean_ms", $"must be ≥ 0, got {c.Lifetime.MeanMs}");
                Check(double.IsFinite(c.Lifetime.Spread) && c.Lifetime.Spread >= 0, "churn.lifetime.spread", $"must be ≥ 0, got {c.Lifetime.Spread}");
                Check(c.Lifetime.Distribution != "uniform" || c.Lifetime.Spread <= c.Lifetime.MeanMs, "churn.lifetime.spread", "a uniform half-width must not exceed the mean");
            }
        }

        if (w.Probe is { } p)
        {
            Check(double.IsFinite(p.IntervalMs) && p.IntervalMs >= 0.01, "probe.interval_ms", $"must be ≥ 0.01, got {p.IntervalMs}");
            Check(double.IsFinite(p.StartMs) && p.StartMs >= 0, "probe.start_ms", $"must be ≥ 0, got {p.StartMs}");
            Check(double.IsFinite(p.StopMs) && (p.StopMs == 0 || p.StopMs > p.StartMs), "probe.stop_ms", $"must be 0 (until the workload is done) or after start_ms, got {p.StopMs}");
        }

        if (w.RtnlUsers is { } r)
        {
            Check(r.Count is >= 0 and <= 1024, "rtnl_users.count", $"must be between 0 and 1024, got {r.Count}");
            Check(double.IsFinite(r.MeanIntervalMs) && r.MeanIntervalMs > 0, "rtnl_users.mean_interval_ms", $"must be > 0, got {r.MeanIntervalMs}");
            Check(double.IsFinite(r.HoldUs) && r.HoldUs >= 0 && r.HoldUs <= 1_000_000, "rtnl_users.hold_us", $"must be within [0, 1000000], got {r.HoldUs}");
            Check(r.RcuReaderFraction is >= 0 and <= 1, "rtnl_users.rcu_reader_fraction", $"must be within [0, 1], got {r.RcuReaderFraction}");
        }

        if (w.Stop is null)
        {
            e.Add(new FieldError("stop", "is required"));
        }
        else
        {
            Check(w.Stop.Mode is "drain" or "duration", "stop.mode", $"must be drain or duration, got '{w.Stop.Mode}'");
            Check(w.Stop.Mode != "duration" || (double.IsFinite(w.Stop.DurationMs) && w.Stop.DurationMs > 0), "stop.duration_ms", "must be > 0 when stop.mode is duration");
            Check(double.IsFinite(w.Stop.MaxSimulatedSeconds) && w.Stop.MaxSimulatedSeconds > 0 && w.Stop.MaxSimulatedSeconds <= 1e6, "stop.max_simulated_seconds", $"must be in (0, 1e6], got {w.Stop.MaxSimulatedSeconds}");
            Check(w.Stop.Mode != "duration" || w.Stop.DurationMs / 1000 <= w.Stop.MaxSimulatedSeconds, "stop.duration_ms", "must not exceed stop.max_simulated_seconds");
        }

        Check(any || w.Probe is not null, "$", "the workload does nothing: give at least one of burst, loops, churn or probe");
        if (!any && w.Probe is { StopMs: 0 } && w.Stop is { Mode: "drain" })
        {
            e.Add(new FieldError("probe.stop_ms", "a probe-only workload never drains: set probe.stop_ms or stop.mode duration"));
        }
        Check(w.Replications is >= 1 and <= 10_000, "replications", $"must be between 1 and 10000, got {w.Replications}");
        return e;

        void CheckDevices(DeviceMix? d, string field)
        {
            if (d is null)
            {
                e.Add(new FieldError(field, "must not be null"));
                return;
            }

            Check(d.VethPairs is >= 0 and <= 256, field + ".veth_pairs", $"must be between 0 and 256, got {d.VethPairs}");
            Check(d.Physical is >= 0 and <= 64, field + ".physical", $"must be between 0 and 64, got {d.Physical}");
        }
    }
}
