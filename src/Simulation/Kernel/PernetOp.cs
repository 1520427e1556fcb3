using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>A pernet operation of this run: its profile entry, resolved once, with its profiler function ids.</summary>
internal sealed class PernetOp
{
    private PernetOp(PernetOpSpec spec, PernetOpBehaviour behaviour, DeviceTypeSpec? device, Profiler profiler)
    {
        Spec = spec;
        Behaviour = behaviour;
        TunnelDevice = device;
        ExitFunc = profiler.Func(spec.Name);
        InitFunc = profiler.Func(InitName(spec.Name));
        BatchFunc = profiler.Func(BatchName(spec.Name));
        PreExitFunc = profiler.Func(spec.Name.Replace("exit", "pre_exit", StringComparison.Ordinal));
    }

    public PernetOpSpec Spec { get; }

    public PernetOpBehaviour Behaviour { get; }

    /// <summary>The fallback device type of a tunnel op.</summary>
    public DeviceTypeSpec? TunnelDevice { get; }

    public int ExitFunc { get; }

    public int InitFunc { get; }

    public int BatchFunc { get; }

    public int PreExitFunc { get; }

    public string Name => Spec.Name;

    public bool HasPerNetExitWork =>
        Spec.ExitNs > 0 || Spec.ExitPerLiveNetNs > 0 || Spec.ExitSyncs > 0 || Spec.ExitCallRcu > 0 || Spec.ExitTakesRtnl;

    /// <summary>
    /// The ops registered on this machine, in registration order. A tunnel op exists only when its module is loaded
    /// (the workload's <c>machine.tunnel_modules</c>).
    /// </summary>
    public static IReadOnlyList<PernetOp> Resolve(KernelProfile profile, IReadOnlyList<string> tunnelModules, Profiler profiler)
    {
        foreach (var module in tunnelModules)
        {
            if (!profile.Devices.Any(d => d.Kind == "tunnel" && d.Name == module))
            {
                throw new InputValidationException("machine.tunnel_modules", $"kernel profile '{profile.Id}' has no tunnel module '{module}' (known: {string.Join(", ", profile.Devices.Where(d => d.Kind == "tunnel").Select(d => d.Name))})");
            }
        }

        var ops = new List<PernetOp>();
        foreach (var spec in profile.PernetOps)
        {
            var behaviour = spec.Behaviour;
            DeviceTypeSpec? device = null;
            if (behaviour == PernetOpBehaviour.Tunnel)
            {
                if (!tunnelModules.Contains(spec.Device!))
                {
                    continue;
                }

                device = profile.Devices.First(d => d.Name == spec.Device);
            }

            ops.Add(new PernetOp(spec, behaviour, device, profiler));
        }

        return ops;
    }

    private static string InitName(string exit) =>
        exit.Contains("exit", StringComparison.Ordinal) ? exit.Replace("exit", "init", StringComparison.Ordinal) : exit + "_init";

    private static string BatchName(string exit) => exit.EndsWith("_net", StringComparison.Ordinal)
        ? exit[..^4] + "_batch"
        : exit + "_batch";
}
