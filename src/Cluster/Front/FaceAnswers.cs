using Google.Protobuf;
using Grpc.Core;
using NetnsPolicy.Service.Api;

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

    public static FaceReply Refusal(RpcException status, Guid incarnation) =>
        new([], (status.GetRpcStatus() ?? new Google.Rpc.Status { Code = (int)status.StatusCode, Message = status.Status.Detail }).ToByteArray(), 0, incarnation, NotHeld: false);
}
