using NetnsPolicy.Service.Api;
using NetnsPolicy.Service.Runs;
using Orleans.Concurrency;
using Orleans.Placement;

namespace NetnsPolicy.Cluster.Front;

/// <summary>
/// The run's face on the silo that holds it while it is queued or running (as <see cref="Front.TournamentGrain"/>);
/// once the run has finished here it deactivates, since every silo reads a finished run from the shared store.
/// </summary>
[PreferLocalPlacement]
[Reentrant]
[KeepAlive]
internal sealed class RunGrain(RunCoordinator runs) : FaceGrain, IRunGrain
{
    public Task<FaceReply> GetAsync(bool includeSimulations, bool includeResults) =>
        Task.FromResult(Hold() ?? Settled(FaceAnswers.Answer(() => RunMapping.ToMessage(runs.Get(Id, includeSimulations, includeResults)), Incarnation)));

    public async Task<FaceReply> WaitForUpdateAsync(Guid incarnation, long sinceVersion)
    {
        if (Hold() is { } refusal)
        {
            return refusal;
        }

        try
        {
            var (version, progress) = await runs.WaitForUpdateAsync(Id, incarnation == Incarnation ? sinceVersion : -1, MaxWait, CancellationToken.None);
            return Settled(FaceAnswers.Of(RunMapping.ToMessage(progress), version, Incarnation));
        }
        catch (RunNotFoundException e)
        {
            return FaceAnswers.Refusal(RpcErrors.From(e)!, Incarnation);
        }
    }

    public Task<FaceReply> CancelAsync(string? caller, bool admin) =>
        Task.FromResult(Hold() ?? Settled(FaceAnswers.Answer(() => RunMapping.ToMessage(runs.Cancel(Id, caller, admin)), Incarnation)));

    /// <summary>Deactivates once the run no longer runs here (finished: the store answers for it everywhere).</summary>
    private FaceReply Settled(FaceReply reply)
    {
        if (!runs.IsLive(Id))
        {
            DeactivateOnIdle();
        }

        return reply;
    }

    protected override FaceReply? Hold() => FaceAnswers.Hold(runs.TryAdopt(Id), () => new RunNotFoundException(Id), DeactivateOnIdle, Incarnation);
}
