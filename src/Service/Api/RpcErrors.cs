using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using NetnsPolicy.Service.Persistence;
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
            Message = Bound(e.Message, MaxMessageChars),
            Details = { Any.Pack(new ResourceInfo { ResourceType = "netnspolicy.v1.Run", ResourceName = e.RunId, Description = "no such run" }) },
        }.ToRpcException(),
        TournamentNotFoundException e => new Google.Rpc.Status
        {
            Code = (int)Code.NotFound,
            Message = Bound(e.Message, MaxMessageChars),
            Details = { Any.Pack(new ResourceInfo { ResourceType = "netnspolicy.v1.Tournament", ResourceName = e.TournamentId, Description = "no such tournament" }) },
        }.ToRpcException(),
        RunStateException e => new Google.Rpc.Status
        {
            Code = (int)Code.FailedPrecondition,
            Message = Bound(e.Message, MaxMessageChars),
            Details = { Any.Pack(new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = "STATE", Subject = e.Subject, Description = Bound(e.Message, MaxDescriptionChars) } } }) },
        }.ToRpcException(),
        RunAccessDeniedException e => new Google.Rpc.Status
        {
            Code = (int)Code.PermissionDenied,
            Message = e.Message,
            Details = { Any.Pack(new ResourceInfo { ResourceType = "netnspolicy.v1.Run", ResourceName = e.RunId, Owner = "another key", Description = "not yours" }) },
        }.ToRpcException(),
        StoreUnavailableException e => new Google.Rpc.Status
        {
            Code = (int)Code.Unavailable,
            Message = Bound(e.Message, MaxMessageChars),
        }.ToRpcException(),
        RunNotReadyException e => new Google.Rpc.Status
        {
            Code = (int)Code.FailedPrecondition,
            Message = e.Message,
            Details = { Any.Pack(new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = "STATE", Subject = "run_id", Description = e.Message } } }) },
        }.ToRpcException(),
        _ => null,
    };

    /// <summary>
    /// Bounds of what an error carries: errors travel in HTTP/2 trailers, which clients decode with a bounded HPACK
    /// table (a 100 KB policy id echoed whole breaks the .NET client and makes grpc-js drop the connection). A client's
    /// text is echoed only as a bounded prefix.
    /// </summary>
    internal const int MaxViolations = 20;

    internal const int MaxFieldChars = 128;
    internal const int MaxDescriptionChars = 300;
    internal const int MaxMessageChars = 2048;

    public static RpcException InvalidArgument(IReadOnlyList<FieldError> errors)
    {
        var shown = errors.Take(MaxViolations).Select(f => (Field: Bound(f.Field, MaxFieldChars), Message: Bound(f.Message, MaxDescriptionChars))).ToList();
        var more = errors.Count > MaxViolations ? $"; … and {errors.Count - MaxViolations} more" : "";
        var badRequest = new BadRequest();
        badRequest.FieldViolations.Add(shown.Select(f => new BadRequest.Types.FieldViolation { Field = f.Field, Description = f.Message }));
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = Bound(string.Join("; ", shown.Select(f => $"{f.Field}: {f.Message}")) + more, MaxMessageChars),
            Details = { Any.Pack(badRequest) },
        }.ToRpcException();
    }

    public static RpcException ResourceExhausted(string subject, string description)
    {
        subject = Bound(subject, MaxFieldChars);
        description = Bound(description, MaxDescriptionChars);
        return new Google.Rpc.Status
        {
            Code = (int)Code.ResourceExhausted,
            Message = $"{subject}: {description}",
            Details = { Any.Pack(new QuotaFailure { Violations = { new QuotaFailure.Types.Violation { Subject = subject, Description = description } } }) },
        }.ToRpcException();
    }

    /// <summary>At most <paramref name="max"/> characters of <paramref name="text"/>, control characters shown as U+FFFD.</summary>
    internal static string Bound(string text, int max)
    {
        var cut = text.Length > max ? text[..(max - 1)] + "…" : text;
        return string.Create(cut.Length, cut, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsControl(c) || char.IsSurrogate(c) && !(i + 1 < source.Length && char.IsSurrogatePair(c, source[i + 1])) && !(i > 0 && char.IsSurrogatePair(source[i - 1], c)) ? '\uFFFD' : c;
            }
        });
    }
}
