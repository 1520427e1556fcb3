using Grpc.Core;
using NetnsPolicy.Contracts.V1;

namespace NetnsPolicy.Service.Api;

/// <summary>
/// TournamentService. The tournament library (issue 5, src/Tournaments) is not part of this build yet, so every call
/// answers UNIMPLEMENTED saying so, rather than pretending to run anything.
/// </summary>
internal sealed class TournamentApi : TournamentService.TournamentServiceBase
{
    private const string NotYet = "tournaments are not available in this build: the tournament library (src/Tournaments) is not integrated into the service yet; use RunService.SubmitComparison per track";

    public override Task<Tournament> StartTournament(StartTournamentRequest request, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, NotYet));

    public override Task WatchTournament(WatchTournamentRequest request, IServerStreamWriter<TournamentProgress> responseStream, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, NotYet));

    public override Task<Tournament> GetTournament(GetTournamentRequest request, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, NotYet));

    public override Task<Tournament> CancelTournament(CancelTournamentRequest request, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, NotYet));
}
