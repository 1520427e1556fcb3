using NetnsPolicy.Service.Runs;

namespace NetnsPolicy.Service.Hosting;

/// <summary>At start-up, before the endpoints open, resumes or marks interrupted the runs a previous process left.</summary>
internal sealed class RunResumer(RunCoordinator runs) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        runs.ResumeUnfinished();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
