using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using NetnsPolicy.Service.Api;
using V1 = NetnsPolicy.Contracts.V1;

namespace NetnsPolicy.Cluster.Front;

/// <summary>
/// The API's way to the runs and tournaments other silos hold: calls their grains. A call whose silo died (the
/// membership protocol breaks it) or that reached an activation which does not hold the work (<see cref="FaceReply.NotHeld"/>)
/// is sent again after <see cref="RetryDelay"/>, for at most <see cref="MaxAttempts"/> attempts — long enough for the
/// death to be declared and a survivor to take the work over. A watch is a chain of long polls: one grain call per
/// change, none per tick, and no store read.
/// </summary>
internal sealed partial class ClusterFront(IGrainFactory grains, ILogger<ClusterFront> logger) : IClusterFront
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);
    private const int MaxAttempts = 240;

    /// <summary>The least time between two progress messages of a tournament watch (as the local watch).</summary>
    private static readonly TimeSpan TournamentInterval = TimeSpan.FromMilliseconds(200);

    public void Held(string id, bool tournament) => _ = ActivateAsync(id, tournament);

    public async Task<V1.Tournament> GetTournamentAsync(string id, CancellationToken cancellationToken) =>
        V1.Tournament.Parser.ParseFrom((await CallAsync(id, () => grains.GetGrain<ITournamentGrain>(id).GetAsync(), cancellationToken).ConfigureAwait(false)).Message);

    public async Task<V1.Tournament> CancelTournamentAsync(string id, string? caller, bool admin, CancellationToken cancellationToken) =>
        V1.Tournament.Parser.ParseFrom((await CallAsync(id, () => grains.GetGrain<ITournamentGrain>(id).CancelAsync(caller, admin), cancellationToken).ConfigureAwait(false)).Message);

    public IAsyncEnumerable<V1.TournamentProgress> WatchTournamentAsync(string id, CancellationToken cancellationToken) =>
        WatchAsync(id, grains.GetGrain<ITournamentGrain>(id).WaitForUpdateAsync, V1.TournamentProgress.Parser, p => p.FinalTournament is not null, TournamentInterval, cancellationToken);

    public async Task<V1.Run> GetRunAsync(string id, bool includeSimulations, bool includeResults, CancellationToken cancellationToken) =>
        V1.Run.Parser.ParseFrom((await CallAsync(id, () => grains.GetGrain<IRunGrain>(id).GetAsync(includeSimulations, includeResults), cancellationToken).ConfigureAwait(false)).Message);

    public async Task<V1.Run> CancelRunAsync(string id, string? caller, bool admin, CancellationToken cancellationToken) =>
        V1.Run.Parser.ParseFrom((await CallAsync(id, () => grains.GetGrain<IRunGrain>(id).CancelAsync(caller, admin), cancellationToken).ConfigureAwait(false)).Message);

    public IAsyncEnumerable<V1.RunProgress> WatchRunAsync(string id, TimeSpan minInterval, CancellationToken cancellationToken) =>
        WatchAsync(id, grains.GetGrain<IRunGrain>(id).WaitForUpdateAsync, V1.RunProgress.Parser, p => p.FinalRun is not null, minInterval, cancellationToken);

    /// <summary>
    /// A chain of long polls: each answer that changed (another version, or another incarnation after a take-over) is
    /// yielded, then at least <paramref name="interval"/> passes before the next poll; the final message ends it.
    /// </summary>
    private async IAsyncEnumerable<T> WatchAsync<T>(string id, Func<Guid, long, Task<FaceReply>> poll, MessageParser<T> parser, Func<T, bool> isFinal,
        TimeSpan interval, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        var incarnation = Guid.Empty;
        var version = -1L;
        while (true)
        {
            var (since, of) = (version, incarnation);
            var reply = await CallAsync(id, () => poll(of, since), cancellationToken).ConfigureAwait(false);
            var progress = parser.ParseFrom(reply.Message);
            var changed = reply.Incarnation != incarnation || reply.Version != version;
            (incarnation, version) = (reply.Incarnation, reply.Version);
            if (changed || isFinal(progress))
            {
                yield return progress;
            }

            if (isFinal(progress))
            {
                yield break;
            }

            if (changed)
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Activates the grain of work this silo has just taken hold of here (the calling silo is preferred).</summary>
    private async Task ActivateAsync(string id, bool tournament)
    {
        try
        {
            var held = tournament
                ? await grains.GetGrain<ITournamentGrain>(id).EnsureHeldAsync().ConfigureAwait(false)
                : await grains.GetGrain<IRunGrain>(id).EnsureHeldAsync().ConfigureAwait(false);
            if (!held)
            {
                Log.NotActivatedHere(logger, id);
            }
        }
        catch (Exception e)
        {
            // The sweep and the next call activate it: nothing is lost but the head start.
            Log.ActivationFailed(logger, e, id);
        }
    }

    private async Task<FaceReply> CallAsync(string id, Func<Task<FaceReply>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            FaceReply reply;
            try
            {
                reply = await call().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException && !cancellationToken.IsCancellationRequested && attempt < MaxAttempts)
            {
                // The holder died (or is being declared dead): the next call is placed on a live silo.
                Log.CallFailed(logger, id, attempt, e.GetType().Name, e.Message);
                await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (reply.Error.Length > 0)
            {
                throw Google.Rpc.Status.Parser.ParseFrom(reply.Error).ToRpcException();
            }

            if (!reply.NotHeld)
            {
                return reply;
            }

            if (attempt >= MaxAttempts)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, $"{id}: no silo of the cluster holds it now; retry"));
            }

            await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Warning, "Call for {Id}: attempt {Attempt} failed ({Error}: {Message}); sending it again")]
        public static partial void CallFailed(ILogger logger, string id, int attempt, string error, string message);

        [LoggerMessage(41, LogLevel.Warning, "The grain of {Id} could not be activated on this silo")]
        public static partial void ActivationFailed(ILogger logger, Exception error, string id);

        [LoggerMessage(42, LogLevel.Warning, "The grain of {Id} is active on a silo that does not hold it")]
        public static partial void NotActivatedHere(ILogger logger, string id);
    }
}
