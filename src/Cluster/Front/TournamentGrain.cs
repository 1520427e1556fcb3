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
internal sealed class TournamentGrain(TournamentCoordinator tournaments) : Grain, ITournamentGrain
{
    /// <summary>How long one long poll waits for a change before answering with the same progress.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(15);
    private readonly Guid _incarnation = Guid.NewGuid();

    private string Id => this.GetPrimaryKeyString();

    public Task<bool> EnsureHeldAsync() => Task.FromResult(Hold() is null);

    public Task<FaceReply> GetAsync() =>
        Task.FromResult(Hold() ?? FaceAnswers.Answer(() => TournamentMapping.ToMessage(tournaments.Get(Id)), _incarnation));

    public async Task<FaceReply> WaitForUpdateAsync(Guid incarnation, long sinceVersion)
    {
        if (Hold() is { } refusal)
        {
            return refusal;
        }

        var (version, progress) = await tournaments.WaitForUpdateAsync(Id, incarnation == _incarnation ? sinceVersion : -1, MaxWait, CancellationToken.None);
        return FaceAnswers.Of(TournamentMapping.ToMessage(progress), version, _incarnation);
    }

    public Task<FaceReply> CancelAsync(string? caller, bool admin) =>
        Task.FromResult(Hold() ?? FaceAnswers.Answer(() => TournamentMapping.ToMessage(tournaments.Cancel(Id, caller, admin)), _incarnation));

    /// <summary>Null when this silo holds the tournament (taken over if need be); else the reply that says why not.</summary>
    private FaceReply? Hold() => FaceAnswers.Hold(tournaments.TryAdopt(Id), () => new TournamentNotFoundException(Id), DeactivateOnIdle, _incarnation);
}
