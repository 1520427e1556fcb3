using NetnsPolicy.Service.Api;
using NetnsPolicy.Service.Tournaments;
using Orleans.Concurrency;
using Orleans.Placement;

namespace NetnsPolicy.Cluster.Front;

/// <summary>
/// The tournament's face on the silo that holds it: answers from that silo's <see cref="TournamentCoordinator"/>
/// (live progress, results, artifacts). Placed on the calling silo when no activation exists — the accepting silo
/// activates it as it accepts; after the holder's death, the first silo to ask (its sweep, or a watcher) takes the
/// tournament over in <see cref="TournamentCoordinator.TryAdopt"/>. Kept alive (the directory must keep pointing at the
/// holder); reentrant, so long polls wait side by side.
/// </summary>
[PreferLocalPlacement]
[Reentrant]
[KeepAlive]
internal sealed class TournamentGrain(TournamentCoordinator tournaments) : FaceGrain, ITournamentGrain
{
    public Task<FaceReply> GetAsync() =>
        Task.FromResult(Hold() ?? FaceAnswers.Answer(() => TournamentMapping.ToMessage(tournaments.Get(Id)), Incarnation));

    public async Task<FaceReply> WaitForUpdateAsync(Guid incarnation, long sinceVersion)
    {
        if (Hold() is { } refusal)
        {
            return refusal;
        }

        var (version, progress) = await tournaments.WaitForUpdateAsync(Id, incarnation == Incarnation ? sinceVersion : -1, MaxWait, CancellationToken.None);
        return FaceAnswers.Of(TournamentMapping.ToMessage(progress), version, Incarnation);
    }

    public Task<FaceReply> CancelAsync(string? caller, bool admin) =>
        Task.FromResult(Hold() ?? FaceAnswers.Answer(() => TournamentMapping.ToMessage(tournaments.Cancel(Id, caller, admin)), Incarnation));

    protected override FaceReply? Hold() => FaceAnswers.Hold(tournaments.TryAdopt(Id), () => new TournamentNotFoundException(Id), DeactivateOnIdle, Incarnation);
}
