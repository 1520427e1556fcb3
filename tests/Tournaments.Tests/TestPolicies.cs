using NetnsPolicy.PluginHost;
using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Policies;

namespace NetnsPolicy.Tournaments.Tests;

/// <summary>Cuts every cleanup_net batch to <c>batch_size</c> nets and re-queues the rest (the seed's patch, in small).</summary>
public sealed class SmallBatchesPolicy : ICleanupPolicy
{
    public const string Id = "test-small-batches";
    private int _batchSize;

    public PolicyDescriptor Descriptor { get; } = new(Id, new Version(1, 0, 0), "Test policy: small batches.", DecisionPoint.BatchAdmission,
        [ParameterSpec.Integer("batch_size", 16, 1, 100_000, "Most nets per batch.")]);

    public void Configure(PolicyParameters parameters) => _batchSize = (int)parameters.GetInt64("batch_size");

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context) =>
        context.Queued > _batchSize ? new BatchAdmission(_batchSize, true) : context.KernelDefault;
}

/// <summary>A policy that throws on its first decision: its runs end as policy faults.</summary>
public sealed class FaultingPolicy : ICleanupPolicy
{
    public const string Id = "test-faulting";

    public PolicyDescriptor Descriptor { get; } = new(Id, new Version(1, 0, 0), "Test policy: throws.", DecisionPoint.BatchAdmission);

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context) => throw new InvalidOperationException("test policy fault");
}

/// <summary><c>upstream</c> plus the test policies, for in-process tournaments.</summary>
public sealed class TestPolicyCatalog : IPolicyCatalog
{
    private static readonly Func<ICleanupPolicy>[] Factories = [() => new UpstreamPolicy(), () => new SmallBatchesPolicy(), () => new FaultingPolicy()];

    public IReadOnlyList<PolicyInfo> List() => Factories
        .Select(f => f().Descriptor)
        .Select(d => new PolicyInfo(d.Id, d.Version, d.Description, d.Overrides, d.Parameters, SdkInfo.Major, "test", "test"))
        .OrderBy(p => p.Id, StringComparer.Ordinal)
        .ToArray();

    public PolicyLease Acquire(string policySpec, IReadOnlyDictionary<string, string>? parameters)
    {
        var policy = Factories.Select(f => f()).FirstOrDefault(p => p.Descriptor.Id == policySpec)
            ?? throw new InputValidationException("policy", $"unknown policy '{policySpec}'");
        var bound = PolicyParameters.Bind(policy.Descriptor.Parameters, parameters, out var errors);
        if (errors.Count > 0)
        {
            throw new InputValidationException(errors.Select(e => new FieldError("parameters." + e.Split(':')[0], e)).ToList());
        }

        return new PolicyLease(policy, bound, policy.Descriptor.Id, "test");
    }
}
