using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Policies;

namespace NetnsPolicy.PluginHost;

/// <summary>A catalog of only the policies compiled into the host (<c>upstream</c>). The plugin catalog extends it.</summary>
public sealed class BuiltInPolicyCatalog : IPolicyCatalog
{
    public IReadOnlyList<PolicyInfo> List()
    {
        var d = new UpstreamPolicy().Descriptor;
        return [new PolicyInfo(d.Id, d.Version, d.Description, d.Overrides, d.Parameters, SdkInfo.Major, "builtin", "builtin")];
    }

    public PolicyLease Acquire(string policySpec, IReadOnlyDictionary<string, string>? parameters)
    {
        if (policySpec != UpstreamPolicy.PolicyId)
        {
            throw new InputValidationException("policy", $"unknown policy '{policySpec}' (known: {UpstreamPolicy.PolicyId})");
        }

        var policy = new UpstreamPolicy();
        var bound = PolicyParameters.Bind(policy.Descriptor.Parameters, parameters, out var errors);
        if (errors.Count > 0)
        {
            throw new InputValidationException(errors.Select(e => new FieldError("parameters." + e.Split(':')[0], e)).ToList());
        }

        return new PolicyLease(policy, bound, policy.Descriptor.Id, "builtin");
    }
}
