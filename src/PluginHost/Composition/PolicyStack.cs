using System.Globalization;
using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.PluginHost.Composition;

/// <summary>
/// Several policies acting as one: each decision point is decided by the one member that overrides it (the marked
/// winner when several do); points no member overrides keep the kernel's behaviour. Parameters are qualified by member
/// id (<c>batching.batch_size</c>).
/// </summary>
public sealed class PolicyStack : DispatchingPolicy
{
    private readonly IReadOnlyList<ICleanupPolicy> _members;
    private readonly Dictionary<DecisionPoint, ICleanupPolicy> _owners;

    private PolicyStack(PolicySpec spec, IReadOnlyList<ICleanupPolicy> members, Dictionary<DecisionPoint, ICleanupPolicy> owners)
    {
        _members = members;
        _owners = owners;
        var overrides = members.Aggregate(DecisionPoint.None, (all, m) => all | m.Descriptor.Overrides);
        Descriptor = new PolicyDescriptor(
            spec.Canonical,
            new Version(1, 0, 0),
            "Stack: " + string.Join("; ", DecisionPoints.Split(overrides).Select(p => $"{DecisionPoints.Name(p)} by {owners[p].Descriptor.Id}")),
            overrides,
            members.SelectMany(m => m.Descriptor.Parameters.Select(p => p with { Name = m.Descriptor.Id + "." + p.Name })).ToArray());
    }

    public override PolicyDescriptor Descriptor { get; }

    /// <summary>Which member decides <paramref name="point"/>, or null when the kernel's behaviour applies.</summary>
    public string? OwnerOf(DecisionPoint point) => _owners.GetValueOrDefault(point)?.Descriptor.Id;

    /// <summary>
    /// Composes <paramref name="members"/> (in spec order, each with its descriptor). Two members overriding one point
    /// without exactly one of them marked <c>!</c> throw <see cref="InputValidationException"/> naming the point.
    /// </summary>
    public static PolicyStack Create(PolicySpec spec, IReadOnlyList<ICleanupPolicy> members)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(members);
        var owners = new Dictionary<DecisionPoint, ICleanupPolicy>();
        var errors = new List<FieldError>();
        foreach (var point in DecisionPoints.All)
        {
            var claim = members.Select((m, i) => (Member: m, spec.Members[i].Winner)).Where(c => (c.Member.Descriptor.Overrides & point) != 0).ToList();
            var winners = claim.Where(c => c.Winner).ToList();
            if (claim.Count == 1 || winners.Count == 1)
            {
                owners[point] = (claim.Count == 1 ? claim[0] : winners[0]).Member;
            }
            else if (claim.Count > 1)
            {
                var ids = claim.Select(c => c.Member.Descriptor.Id).ToList();
                errors.Add(new FieldError("policy", winners.Count == 0
                    ? $"conflict: {string.Join(" and ", ids.Select(i => $"'{i}'"))} all override {DecisionPoints.Name(point)}; mark the one that decides with '!' (e.g. '{Example(spec, ids[^1])}')"
                    : $"conflict: {string.Join(" and ", winners.Select(w => $"'{w.Member.Descriptor.Id}'"))} are all marked '!' and override {DecisionPoints.Name(point)}; only one may win it"));
            }
        }

        if (errors.Count > 0)
        {
            throw new InputValidationException(errors);
        }

        return new PolicyStack(spec, members, owners);
    }

    public override void Configure(PolicyParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var member in _members)
        {
            var prefix = member.Descriptor.Id + ".";
            var raw = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var spec in member.Descriptor.Parameters)
            {
                if (parameters.Values.TryGetValue(prefix + spec.Name, out var value))
                {
                    raw[spec.Name] = Format(spec, value);
                }
            }

            var bound = PolicyParameters.Bind(member.Descriptor.Parameters, raw, out var errors);
            if (errors.Count > 0)
            {
                throw new ArgumentException($"parameters of '{member.Descriptor.Id}': {string.Join("; ", errors)}", nameof(parameters));
            }

            member.Configure(bound);
        }
    }

    protected override TResult Dispatch<TContext, TResult>(Decision<TContext, TResult> decision, in TContext context) =>
        _owners.TryGetValue(decision.Point, out var owner) ? decision.Call(owner, in context) : decision.KernelDefault(in context);

    private static string Example(PolicySpec spec, string winner) =>
        string.Join("+", spec.Members.Select(m => (m.Winner || m.Id == winner ? "!" : "") + m.Id));

    // Bound values are doubles; a member binds its own specs again from their invariant text.
    private static string Format(ParameterSpec spec, double value) => spec.Kind switch
    {
        ParameterKind.Boolean => value != 0 ? "true" : "false",
        ParameterKind.Integer => ((long)value).ToString(CultureInfo.InvariantCulture),
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
