using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.PluginHost.Containment;

/// <summary>
/// Runs a simulation in-process with its policy contained: the policy is wrapped in a <see cref="GuardedPolicy"/>
/// (per-decision budget, exceptions become <c>policy-fault</c>) and the run executes on a dedicated thread watched
/// by a wall-clock watchdog. A decision that does not return within <see cref="ContainmentOptions.DecisionWallTimeout"/>
/// ends the run with <c>policy-fault</c>; the caller gets its result and goes on.
/// </summary>
/// <remarks>
/// .NET cannot abort a thread: the abandoned thread keeps running the policy until it returns (then faults at once) or
/// the process exits, and it keeps the plugin's load context alive. For untrusted plugins use
/// <see cref="Isolation.IsolatedRunner"/>, which runs the simulation in a child process it can kill.
/// </remarks>
public sealed class PolicyRunner(ContainmentOptions? options = null)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private readonly ContainmentOptions _options = options ?? ContainmentOptions.Default;

    /// <summary>
    /// Runs <paramref name="request"/>. Invalid input throws <see cref="InputValidationException"/> as
    /// <see cref="SimulationEngine.Run"/> does; a policy fault, hang or overrun is a result with status <c>policy-fault</c>.
    /// </summary>
    public RunResult Run(SimulationRequest request, IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var guard = request.Policy as GuardedPolicy ?? new GuardedPolicy(request.Policy, _options);
        var guarded = request with { Policy = guard };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var done = new ManualResetEventSlim();
        RunResult? result = null;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = SimulationEngine.Run(guarded, progress, cts.Token);
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                // The watchdog may have given up and disposed the event already.
                try
                {
                    done.Set();
                }
                catch (ObjectDisposedException)
                {
                }
            }
        })
        {
            IsBackground = true,
            Name = $"netns-policy run {guard.Descriptor.Id}",
        };

        var started = Stopwatch.GetTimestamp();
        thread.Start();
        while (!done.Wait(Poll, CancellationToken.None))
        {
            if (guard.InProgress() is { } stuck && stuck.Elapsed > _options.DecisionWallTimeout)
            {
                return Abandon(guard, cts, request, string.Create(CultureInfo.InvariantCulture,
                    $"policy '{guard.Descriptor.Id}' did not return from {stuck.Decision} within {_options.DecisionWallTimeout.TotalSeconds:0.###} s (wall clock); the run was abandoned. Its thread cannot be aborted in-process and runs on until the policy returns or the process exits: use the isolated mode for untrusted plugins"));
            }

            if (_options.RunWallTimeout is { } limit && Stopwatch.GetElapsedTime(started) > limit)
            {
                return Abandon(guard, cts, request, string.Create(CultureInfo.InvariantCulture,
                    $"the run exceeded its wall-time limit of {limit.TotalSeconds:0.###} s and was abandoned"));
            }
        }

        error?.Throw();
        return result!;
    }

    private static RunResult Abandon(GuardedPolicy guard, CancellationTokenSource cts, SimulationRequest request, string detail)
    {
        guard.Abandon();
        cts.Cancel();
        return FaultResult.For(request, detail);
    }
}
