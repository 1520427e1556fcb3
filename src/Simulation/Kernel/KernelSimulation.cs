using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Simulation.Kernel;

internal sealed class KernelSimulation(SimulationRequest request, CancellationToken cancellationToken, IProgress<SimulationProgress>? progress)
{
    public RunResult Run() => throw new NotImplementedException($"engine under construction ({request}, {cancellationToken}, {progress})");
}
