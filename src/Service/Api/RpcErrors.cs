using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using NetnsPolicy.Service.Runs;
using NetnsPolicy.Service.Tournaments;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Service.Api;

/// <summary>Turns the service's exceptions into gRPC statuses with google.rpc error details.</summary>
internal static class RpcErrors
{
    /// <summary>The status for <paramref name="error"/>, or null when it is not one the API answers on purpose.</summary>
    public static RpcException? From(Exception error) => error switch
    {
        InputValidationException e => InvalidArgument(e.Errors),
        LimitExceededException e => ResourceExhausted(e.Subject, e.Description),
        RunNotFoundException e => new Google.Rpc.Status
        {
            Code = (int)Code.NotFound,
            Message = e.Message,
            Details = { Any.Pack(new ResourceInfo { ResourceType = "netnspolicy.v1.Run", ResourceName = e.RunId, Description = "no such run" }) },
        }.ToRpcException(),
        TournamentNotFoundException e => new Google.Rpc.Status
        {
            Code = (int)Code.NotFound,
            Message = e.Message,
            Details = { Any.Pack(new ResourceInfo { ResourceType = "netnspolicy.v1.Tournament", ResourceName = e.TournamentId, Description = "no such tournament" }) },
        }.ToRpcException(),
        RunNotReadyException e => new Google.Rpc.Status
        {
            Code = (int)Code.FailedPrecondition,
            Message = e.Message,
            Details = { Any.Pack(new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = "STATE", Subject = "run_id", Description = e.Message } } }) },
        }.ToRpcException(),
        _ => null,
    };

    public static RpcException InvalidArgument(IReadOnlyList<FieldError> errors)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.Add(errors.Select(f => new BadRequest.Types.FieldViolation { Field = f.Field, Description = f.Message }));
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = string.Join("; ", errors.Select(f => $"{f.Field}: {f.Message}")),
            Details = { Any.Pack(badRequest) },
        }.ToRpcException();
    }

    public static RpcException ResourceExhausted(string subject, string description) => new Google.Rpc.Status
    {
        Code = (int)Code.ResourceExhausted,
        Message = $"{subject}: {description}",
        Details = { Any.Pack(new QuotaFailure { Violations = { new QuotaFailure.Types.Violation { Subject = subject, Description = description } } }) },
    }.ToRpcException();
}
