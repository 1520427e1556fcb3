using Google.Protobuf;
using Grpc.Core;
using NetnsPolicy.Service.Api;
using NetnsPolicy.Service.Runs;

namespace NetnsPolicy.Cluster.Front;

/// <summary>Builds a grain's <see cref="FaceReply"/>: the holder's message, or its refusal as the holder's API would send it.</summary>
internal static class FaceAnswers
{
    public static FaceReply Of(IMessage message, long version, Guid incarnation) => new(message.ToByteArray(), [], version, incarnation, NotHeld: false);

    public static FaceReply NotHeld(Guid incarnation) => new([], [], 0, incarnation, NotHeld: true);

    /// <summary>The holder's answer to <paramref name="answer"/>; a refusal the API answers on purpose becomes its status (others propagate).</summary>
    public static FaceReply Answer(Func<IMessage> answer, Guid incarnation)
    {
        try
        {
            return Of(answer(), 0, incarnation);
        }
        catch (Exception e) when (RpcErrors.From(e) is { } status)
        {
            return Refusal(status, incarnation);
        }
    }

    /// <summary>
    /// What a grain answers before it serves a call, from its silo's attempt to hold the work: null when this silo holds
    /// it; NOT_FOUND (<paramref name="notFound"/>) for work the store lacks (and the activation goes); else not held — another live silo holds it
    /// (this activation came about while the directory had forgotten the holder's), so the activation goes away
    /// (<paramref name="deactivate"/>) and the caller asks again, reaching the holder or, after its death, taking it over.
    /// </summary>
    public static FaceReply? Hold(AdoptOutcome outcome, Func<Exception> notFound, Action deactivate, Guid incarnation)
    {
        switch (outcome)
        {
            case AdoptOutcome.Held:
                return null;
            case AdoptOutcome.NotFound:
                // Nothing to face: no activation is kept for an id the store lacks.
                deactivate();
                return Refusal(RpcErrors.From(notFound())!, incarnation);
            default:
                deactivate();
                return NotHeld(incarnation);
        }
    }

    public static FaceReply Refusal(RpcException status, Guid incarnation) =>
        new([], (status.GetRpcStatus() ?? new Google.Rpc.Status { Code = (int)status.StatusCode, Message = status.Status.Detail }).ToByteArray(), 0, incarnation, NotHeld: false);
}
