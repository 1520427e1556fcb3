using Google.Rpc;
using Grpc.Core;

namespace NetnsPolicy.Service.Tests.Support;

/// <summary>Checks of gRPC errors and their google.rpc details.</summary>
internal static class RpcAssert
{
    /// <summary>Runs <paramref name="call"/>, which must fail with <paramref name="code"/>; returns the exception.</summary>
    public static async Task<RpcException> FailsWith(StatusCode code, Func<Task> call)
    {
        RpcException? caught = null;
        try
        {
            await call().WaitAsync(TestService.CallTimeout);
        }
        catch (RpcException e)
        {
            caught = e;
        }

        Assert.That(caught, Is.Not.Null, $"expected {code}, the call succeeded");
        Assert.That(caught!.StatusCode, Is.EqualTo(code), caught.Status.Detail);
        return caught;
    }

    /// <summary>The fields named by the error's BadRequest violations or QuotaFailure subjects.</summary>
    public static IReadOnlyList<string> Fields(RpcException e)
    {
        var status = e.GetRpcStatus();
        if (status is null)
        {
            return [];
        }

        var fields = new List<string>();
        if (status.GetDetail<BadRequest>() is { } bad)
        {
            fields.AddRange(bad.FieldViolations.Select(v => v.Field));
        }

        if (status.GetDetail<QuotaFailure>() is { } quota)
        {
            fields.AddRange(quota.Violations.Select(v => v.Subject));
        }

        return fields;
    }
}
