using Microsoft.Extensions.Diagnostics.HealthChecks;
using NetnsPolicy.Service.Persistence;

namespace NetnsPolicy.Service.Hosting;

/// <summary>Healthy while the run store answers and can write; reported through grpc.health.v1 (NOT_SERVING otherwise).</summary>
internal sealed class StoreHealthCheck(IRunStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!store.TryRecover())
            {
                return Task.FromResult(HealthCheckResult.Unhealthy(store.Fault));
            }

            return Task.FromResult(store.IsReachable() ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("run store did not answer"));
        }
        catch (Exception e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("run store failed", e));
        }
    }
}
