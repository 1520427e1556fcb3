using NetnsPolicy.Simulation;

namespace NetnsPolicy.Service.Scheduling;

/// <summary>
/// What a scheduler tells the owner of a run. Calls for different simulations of one run may arrive concurrently
/// from different workers; <see cref="Drained"/> comes once, after every other call for the run.
/// </summary>
public interface IRunObserver
{
    /// <summary>A worker started simulation <paramref name="index"/>.</summary>
    void Started(int index);

    /// <summary>Progress of a running simulation.</summary>
    void Progress(int index, SimulationProgress progress);

    /// <summary>Simulation <paramref name="index"/> ended with <paramref name="output"/>.</summary>
    void Completed(int index, SimulationOutput output);

    /// <summary>Simulation <paramref name="index"/> threw (an engine or host fault, or cancellation).</summary>
    void Faulted(int index, Exception error);

    /// <summary>Every simulation of the run has ended or was skipped because the run was cancelled.</summary>
    void Drained();
}
