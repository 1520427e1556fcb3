namespace NetnsPolicy.Cluster.Front;

/// <summary>
/// What a run's or tournament's grain answers a silo that asked for it: the API message as the holder's own API would
/// send it (protobuf bytes of <c>Run</c>, <c>RunProgress</c>, <c>Tournament</c> or <c>TournamentProgress</c>), or the
/// holder's refusal as a <c>google.rpc.Status</c> (NOT_FOUND, PERMISSION_DENIED, FAILED_PRECONDITION …), or
/// <see cref="NotHeld"/> when another live silo holds it and this activation is going away (ask again).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record FaceReply(
    [property: Id(0)] byte[] Message,
    [property: Id(1)] byte[] Error,
    [property: Id(2)] long Version,
    [property: Id(3)] Guid Incarnation,
    [property: Id(4)] bool NotHeld);
