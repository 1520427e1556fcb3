namespace NetnsPolicy.Sdk;

/// <summary>What a policy is: its identity, the decision points it overrides and the parameters it takes.</summary>
/// <param name="Id">Stable kebab-case id (e.g. <c>uevent-skip</c>), unique among loaded policies.</param>
/// <param name="Version">The policy's own version.</param>
/// <param name="Description">One or two sentences for users: what the policy changes and why.</param>
/// <param name="Overrides">The decision points this policy decides; all others keep the kernel's behaviour.</param>
/// <param name="Parameters">Declared parameters with defaults and ranges.</param>
public sealed record PolicyDescriptor(
    string Id,
    Version Version,
    string Description,
    DecisionPoint Overrides,
    IReadOnlyList<ParameterSpec> Parameters)
{
    /// <summary>Creates a descriptor with no parameters.</summary>
    public PolicyDescriptor(string id, Version version, string description, DecisionPoint overrides)
        : this(id, version, description, overrides, [])
    {
    }
}
