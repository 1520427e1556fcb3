namespace NetnsPolicy.Service.Runs;

/// <summary>One progress message of a watched run; mapped to the API's <c>RunProgress</c> in <c>Api/</c>.</summary>
/// <param name="RunId">The run.</param>
/// <param name="State">Its state now.</param>
/// <param name="Phase">The leading simulation's phase, else the state's name.</param>
/// <param name="SimulatedNs">The leading simulation's simulated time.</param>
/// <param name="FractionDone">0 to 1.</param>
/// <param name="SimulationsDone">Simulations finished.</param>
/// <param name="SimulationsTotal">Simulations planned.</param>
/// <param name="Events">Events processed by the running simulations.</param>
/// <param name="Eta">Estimated wall time left, when it can be estimated.</param>
/// <param name="FinalRun">The run with its simulations, on the last message only.</param>
internal sealed record RunProgressUpdate(
    string RunId,
    RunState State,
    string Phase,
    long SimulatedNs,
    double FractionDone,
    int SimulationsDone,
    int SimulationsTotal,
    long Events,
    TimeSpan? Eta,
    RunSnapshot? FinalRun);
