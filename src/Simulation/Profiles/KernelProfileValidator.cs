namespace NetnsPolicy.Simulation.Profiles;

/// <summary>Semantic checks of a kernel profile.</summary>
internal static class KernelProfileValidator
{
    public static List<FieldError> Validate(KernelProfile p)
    {
        var e = new List<FieldError>();
        void Check(bool ok, string field, string message)
        {
            if (!ok)
            {
                e.Add(new FieldError(field, message));
            }
        }

        Check(p.FormatVersion == KernelProfile.CurrentFormatVersion, "format_version", $"must be {KernelProfile.CurrentFormatVersion}, got {p.FormatVersion}");
        Check(!string.IsNullOrWhiteSpace(p.Id), "id", "must be a non-empty id");
        var s = p.Structure;
        foreach (var (name, value) in new (string, Enum)[] { ("setup_lock", s.SetupLock), ("cleanup_list", s.CleanupList), ("uevent_delivery", s.UeventDelivery), ("dying_netns_uevents", s.DyingNetnsUevents), ("net_list_lock", s.NetListLock), ("nsid_unhash", s.NsidUnhash), ("cleanup_sync", s.CleanupSync), ("synchronize_net_expedited", s.SynchronizeNetExpedited), ("nsid_removal", s.NsidRemoval), ("todo_free_order", s.TodoFreeOrder), ("inet6_addr_hash", s.Inet6AddrHash), ("net_final_free", s.NetFinalFree), ("flush_all_backlogs", s.FlushAllBacklogs), ("kernfs_node_free", s.KernfsNodeFree) })
        {
            Check(Defined(value), "structure." + name, $"undefined value {value}");
        }

        Check(s.TodoRtnlRoundTrips is >= 0 and <= 2, "structure.todo_rtnl_round_trips", $"must be 0, 1 or 2, got {s.TodoRtnlRoundTrips}");
        Check(s.NsidUnhash == NsidUnhashLock.UnderListLock || s.NetListLock == NetListLockKind.NetRwsem, "structure.nsid_unhash", "nsid_lock_only needs net_list_lock net_rwsem (both 4.17)");
        Check(p.Debug.CpuMultiplier >= 1 && p.Debug.UeventMultiplier >= 1, "debug", "multipliers must be ≥ 1");
        Check(p.Rcu.NormalGpBaseJiffies > 0, "rcu.normal_gp_base_jiffies", "must be > 0");
        Check(p.Rcu.GpJitter is >= 0 and < 1, "rcu.gp_jitter", "must be within [0, 1)");
        Check(p.Rcu.ExpeditedQsDeferProbability is >= 0 and <= 1, "rcu.expedited_qs_defer_probability", "must be within [0, 1]");
        if (p.Variation is { } variation)
        {
            Check(double.IsFinite(variation.RunCostCv) && variation.RunCostCv is >= 0 and <= 2, "variation.run_cost_cv", $"must be within [0, 2], got {variation.RunCostCv}");
            Check(double.IsFinite(variation.OpCostCv) && variation.OpCostCv is >= 0 and <= 5, "variation.op_cost_cv", $"must be within [0, 5], got {variation.OpCostCv}");
            Check(double.IsFinite(variation.GpCv) && variation.GpCv is >= 0 and <= 5, "variation.gp_cv", $"must be within [0, 5], got {variation.GpCv}");
            Check(double.IsFinite(variation.CompetingCpus) && variation.CompetingCpus is >= 0 and <= 64, "variation.competing_cpus", $"must be within [0, 64], got {variation.CompetingCpus}");
            Check(double.IsFinite(variation.CompetingBurstUs) && variation.CompetingBurstUs is >= 1 and <= 1e6, "variation.competing_burst_us", $"must be within [1, 1e6], got {variation.CompetingBurstUs}");
            Check(double.IsFinite(variation.StallsPerSecond) && variation.StallsPerSecond is >= 0 and <= 1000, "variation.stalls_per_second", $"must be within [0, 1000], got {variation.StallsPerSecond}");
            Check(double.IsFinite(variation.StallUs) && variation.StallUs is >= 1 and <= 1e6, "variation.stall_us", $"must be within [1, 1e6], got {variation.StallUs}");
        }

        if (p.CreationCache is { } cache)
        {
            Check(double.IsFinite(cache.ColdFactor) && cache.ColdFactor is >= 1 and <= 10, "creation_cache.cold_factor", $"must be within [1, 10], got {cache.ColdFactor}");
            Check(double.IsFinite(cache.WarmDecayMs) && cache.WarmDecayMs is > 0 and <= 1e5, "creation_cache.warm_decay_ms", $"must be within (0, 100000], got {cache.WarmDecayMs}");
            Check(double.IsFinite(cache.WarmingPerCreation) && cache.WarmingPerCreation is > 0 and <= 1, "creation_cache.warming_per_creation", $"must be within (0, 1], got {cache.WarmingPerCreation}");
        }

        Check(p.Memory.NetBaseBytes > 0, "memory.net_base_bytes", "must be > 0");
        Check(p.Memory.StructNetBytes >= 0 && p.Memory.StructNetBytes <= p.Memory.NetBaseBytes, "memory.struct_net_bytes", "must be between 0 and memory.net_base_bytes (struct net is part of the per-net memory)");
        Check(p.Structure.NetFinalFree != NetFinalFree.AfterNextCleanup || p.Memory.StructNetBytes > 0, "memory.struct_net_bytes", "must be > 0 when structure.net_final_free is after_next_cleanup");
        Check(p.DefaultMaxNetNamespaces > 0, "default_max_net_namespaces", "must be > 0");
        Check(p.Costs.SchedSliceNs > 0, "costs.sched_slice_ns", "must be > 0");
        foreach (var prop in typeof(CoreCosts).GetProperties())
        {
            if ((prop.GetValue(p.Costs) is long v && v < 0) || (prop.GetValue(p.Costs) is int n && n < 0))
            {
                e.Add(new FieldError("costs." + JsonInputNames.Snake(prop.Name), "must be ≥ 0"));
            }
        }

        var kinds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < p.Devices.Count; i++)
        {
            var d = p.Devices[i];
            Check(d.Kind is "loopback" or "veth" or "tunnel" or "physical", $"devices[{i}].kind", $"must be loopback, veth, tunnel or physical, got '{d.Kind}'");
            Check(kinds.Add(d.Name), $"devices[{i}].name", $"'{d.Name}' is defined twice");
            Check(d.RxQueues is >= 1 and <= 1024 && d.TxQueues is >= 1 and <= 1024, $"devices[{i}]", "rx_queues and tx_queues must be between 1 and 1024");
            Check(d.SysfsNodes >= 0 && d.RxQueueSysfsNodes >= 0 && d.TxQueueSysfsNodes >= 0, $"devices[{i}]", "sysfs_nodes, rx_queue_sysfs_nodes and tx_queue_sysfs_nodes must be ≥ 0");
            Check(d.DeviceDelSysfsNodes >= 0 && d.DeviceDelSysfsNodes <= d.SysfsNodes, $"devices[{i}].device_del_sysfs_nodes", $"must be between 0 and sysfs_nodes ({d.SysfsNodes}), got {d.DeviceDelSysfsNodes}");
        }

        foreach (var needed in new[] { "loopback", "veth", "physical" })
        {
            Check(p.Devices.Any(d => d.Name == needed), "devices", $"must define the '{needed}' device type");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < p.PernetOps.Count; i++)
        {
            var op = p.PernetOps[i];
            var f = $"pernet_ops[{i}]";
            Check(!string.IsNullOrWhiteSpace(op.Name), f + ".name", "must be non-empty");
            Check(names.Add(op.Name), f + ".name", $"'{op.Name}' is listed twice");
            // Defined, not the generic Enum.IsDefined: that is CoreLib code over this
            // assembly's enums, JIT-compiled at start-up once per enum (docs/benchmarks.md, "Issue 16, fifth round").
            Check(Defined(op.Behaviour) && Defined(op.TunnelTeardown) && Defined(op.ExitSyncCall), f, "undefined behaviour, tunnel_teardown or exit_sync_call");
            Check(op.Behaviour != PernetOpBehaviour.Tunnel || p.Devices.Any(d => d.Name == op.Device && d.Kind == "tunnel"), f + ".device", $"a tunnel op must name a tunnel device type, got '{op.Device}'");
            Check(op.InitNs >= 0 && op.ExitNs >= 0 && op.ExitBatchNs >= 0 && op.FreeNs >= 0 && op.PreExitNs >= 0 && op.ExitPerLiveNetNs >= 0 && op.ExitBatchPerNetNs >= 0 && op.CallbackNs >= 0 && op.PerCpuSocketNs >= 0, f, "costs must be ≥ 0");
            Check(op.ExitSyncs is >= 0 and <= 16 && op.ExitBatchSyncs is >= 0 and <= 16 && op.ExitCallRcu is >= 0 and <= 1024 && op.PerCpuSockets is >= 0 and <= 16, f, "sync, callback and socket counts out of range");
        }

        foreach (var b in new[] { PernetOpBehaviour.Loopback, PernetOpBehaviour.DefaultDevice, PernetOpBehaviour.Uevent })
        {
            Check(p.PernetOps.Count(o => o.Behaviour == b) == 1, "pernet_ops", $"must contain exactly one op with behaviour '{JsonInputNames.Snake(b.ToString())}'");
        }

        return e;
    }

    private static bool Defined(Enum value) => Enum.IsDefined(value.GetType(), value);
}
