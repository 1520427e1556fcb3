namespace NetnsPolicy.Sdk;

/// <summary>Helpers over <see cref="DecisionPoint"/> flags.</summary>
public static class DecisionPoints
{
    /// <summary>Every single decision point, in the order of KERNEL-MODEL.md §7.</summary>
    public static IReadOnlyList<DecisionPoint> All { get; } =
    [
        DecisionPoint.BatchAdmission,
        DecisionPoint.LockScope,
        DecisionPoint.UeventEmission,
        DecisionPoint.UeventDelivery,
        DecisionPoint.GracePeriod,
        DecisionPoint.UnregisterGrouping,
        DecisionPoint.RtnlScope,
    ];

    /// <summary>The stable snake_case name of one decision point, as used in metrics and manifests.</summary>
    public static string Name(DecisionPoint point) => point switch
    {
        DecisionPoint.BatchAdmission => "batch_admission",
        DecisionPoint.LockScope => "lock_scope",
        DecisionPoint.UeventEmission => "uevent_emission",
        DecisionPoint.UeventDelivery => "uevent_delivery",
        DecisionPoint.GracePeriod => "grace_period",
        DecisionPoint.UnregisterGrouping => "unregister_grouping",
        DecisionPoint.RtnlScope => "rtnl_scope",
        _ => throw new ArgumentOutOfRangeException(nameof(point), point, "not a single decision point"),
    };

    /// <summary>Parses a snake_case decision point name; returns false for an unknown name.</summary>
    public static bool TryParse(string name, out DecisionPoint point)
    {
        foreach (var p in All)
        {
            if (string.Equals(Name(p), name, StringComparison.Ordinal))
            {
                point = p;
                return true;
            }
        }

        point = DecisionPoint.None;
        return false;
    }

    /// <summary>The single points contained in <paramref name="points"/>.</summary>
    public static IEnumerable<DecisionPoint> Split(DecisionPoint points) => All.Where(p => (points & p) != 0);
}
