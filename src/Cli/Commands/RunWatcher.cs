using Grpc.Core;
using NetnsPolicy.Contracts.V1;

namespace NetnsPolicy.Cli.Commands;

/// <summary>Follows a run's progress stream to its end.</summary>
internal static class RunWatcher
{
    /// <summary>Streams <paramref name="runId"/>'s progress into <paramref name="report"/> and returns the final run; cancelling cancels the run.</summary>
    public static async Task<Run> WatchAsync(RunService.RunServiceClient runs, string runId, Action<double, string> report, CancellationToken cancellationToken)
    {
        try
        {
            using var call = runs.WatchRun(new WatchRunRequest { RunId = runId }, cancellationToken: cancellationToken);
            await foreach (var progress in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                report(progress.FractionDone, $"{progress.SimulationsDone}/{progress.SimulationsTotal} simulations, {progress.Phase}");
                if (progress.FinalRun is { } final)
                {
                    return final;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException || e is RpcException { StatusCode: StatusCode.Cancelled })
        {
            if (cancellationToken.IsCancellationRequested)
            {
                await runs.CancelRunAsync(new CancelRunRequest { RunId = runId }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }

        // The stream ended without a terminal message (the server went away mid-run): ask for the run as it is.
        return await runs.GetRunAsync(new GetRunRequest { RunId = runId }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
