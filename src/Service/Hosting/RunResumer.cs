using NetnsPolicy.Service.Runs;

namespace NetnsPolicy.Service.Hosting;

/// <summary>At start-up, before the endpoints open, resumes or marks interrupted the runs a previous process left, and resumes its tournaments.</summary>
internal sealed class RunResumer(RunCoordinator runs, Tournaments.TournamentCoordinator tournaments) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        runs.ResumeUnfinished();
        tournaments.ResumeStored();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
