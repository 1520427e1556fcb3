using Microsoft.Extensions.Diagnostics.HealthChecks;
using NetnsPolicy.Service.Persistence;

namespace NetnsPolicy.Service.Hosting;

/// <summary>Healthy while the run store answers; reported through grpc.health.v1.</summary>
internal sealed class StoreHealthCheck(RunStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return Task.FromResult(store.IsReachable() ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("run store did not answer"));
        }
        catch (Exception e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("run store failed", e));
        }
    }
}
