using Grpc.Core;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Runs;
using NetnsPolicy.Service.Tournaments;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Service.Api;

/// <summary>
/// TournamentService: thin translation between messages and the <see cref="TournamentCoordinator"/>; in a cluster, a
/// tournament this process does not hold is answered by its grain on the silo that does (<see cref="IClusterFront"/>).
/// </summary>
internal sealed class TournamentApi(TournamentCoordinator tournaments, IClusterFront? front = null) : TournamentService.TournamentServiceBase
{
    public override Task<Tournament> StartTournament(StartTournamentRequest request, ServerCallContext context) =>
        Task.FromResult(TournamentMapping.ToMessage(tournaments.Start(request.TournamentJson, RunMapping.ToDuration(request.TimeBudget), ClientIdentity.Of(context))));

    public override async Task WatchTournament(WatchTournamentRequest request, IServerStreamWriter<TournamentProgress> responseStream, ServerCallContext context)
    {
        CheckId(request.TournamentId);
        if (Remote(request.TournamentId) is { } cluster)
        {
            await foreach (var message in cluster.WatchTournamentAsync(request.TournamentId, context.CancellationToken).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(message, context.CancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await foreach (var progress in tournaments.Watch(request.TournamentId, context.CancellationToken).ConfigureAwait(false))
        {
            await responseStream.WriteAsync(TournamentMapping.ToMessage(progress), context.CancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<Tournament> GetTournament(GetTournamentRequest request, ServerCallContext context)
    {
        CheckId(request.TournamentId);
        return Remote(request.TournamentId) is { } cluster
            ? cluster.GetTournamentAsync(request.TournamentId, context.CancellationToken)
            : Task.FromResult(TournamentMapping.ToMessage(tournaments.Get(request.TournamentId)));
    }

    public override Task<Tournament> CancelTournament(CancelTournamentRequest request, ServerCallContext context)
    {
        CheckId(request.TournamentId);
        return Remote(request.TournamentId) is { } cluster
            ? cluster.CancelTournamentAsync(request.TournamentId, ClientIdentity.Of(context), ClientIdentity.IsAdmin(context), context.CancellationToken)
            : Task.FromResult(TournamentMapping.ToMessage(tournaments.Cancel(request.TournamentId, ClientIdentity.Of(context), ClientIdentity.IsAdmin(context))));
    }

    public override Task<ListTournamentsResponse> ListTournaments(ListTournamentsRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > 1000)
        {
            throw new InputValidationException("page_size", $"must be between 1 and 1000 (0 for 100), got {request.PageSize}");
        }

        if (request.PageToken.Length > 0 && !RunIds.IsWellFormed(request.PageToken))
        {
            throw new InputValidationException("page_token", "is not a token returned by ListTournaments");
        }

        var (page, next) = tournaments.List(request.PageSize == 0 ? 100 : request.PageSize, request.PageToken.Length > 0 ? request.PageToken : null);
        var response = new ListTournamentsResponse { NextPageToken = next };
        response.Tournaments.Add(page.Select(TournamentMapping.ToMessage));
        return Task.FromResult(response);
    }

    public override Task<DeleteTournamentResponse> DeleteTournament(DeleteTournamentRequest request, ServerCallContext context)
    {
        CheckId(request.TournamentId);
        var deleted = tournaments.Delete(request.TournamentId, ClientIdentity.Of(context), ClientIdentity.IsAdmin(context));
        return Task.FromResult(new DeleteTournamentResponse { TournamentId = request.TournamentId, ResultsDeleted = deleted });
    }

    /// <summary>The cluster's face when another silo holds (or is to take over) <paramref name="id"/>; null when this process answers.</summary>
    private IClusterFront? Remote(string id) => front is not null && !tournaments.IsHeld(id) ? front : null;

    private static void CheckId(string id)
    {
        if (!RunIds.IsWellFormed(id))
        {
            throw new InputValidationException("tournament_id", id.Length == 0 ? "must be set" : "is not a tournament id (26 characters of Crockford base 32)");
        }
    }
}
