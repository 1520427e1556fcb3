using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace NetnsPolicy.Cluster.Scheduling;

/// <summary>
/// Orleans' placement filter for simulation grains (applied before <c>[ActivationCountBasedPlacement]</c> picks among
/// what is left): a call that carries <see cref="PlaceOnKey"/> in its request context — the scheduler sets it only
/// after a silo refused the simulation — is placed on one of the silos listed there (those that advertise the policy's
/// assembly hash and have not refused it). Any other call is placed as before.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class CatalogPlacementFilterAttribute() : PlacementFilterAttribute(new CatalogPlacementFilterStrategy());

/// <summary>The strategy of <see cref="CatalogPlacementFilterAttribute"/> (no parameters: what to keep travels with the call).</summary>
internal sealed class CatalogPlacementFilterStrategy() : PlacementFilterStrategy(order: 0)
{
    /// <summary>The request context key of the silos (parsable addresses, comma-separated) a new activation may go to.</summary>
    public const string PlaceOnKey = "netns-policy.place-on";
}

/// <summary>Keeps the silos the call's <see cref="CatalogPlacementFilterStrategy.PlaceOnKey"/> lists; all when it lists none of them.</summary>
internal sealed class CatalogPlacementFilterDirector : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        if (target.RequestContextData is not { } data || !data.TryGetValue(CatalogPlacementFilterStrategy.PlaceOnKey, out var value) || value is not string list)
        {
            return silos;
        }

        var allowed = list.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var all = silos.ToList();
        var kept = all.Where(s => allowed.Contains(s.ToParsableString())).ToList();
        return kept.Count > 0 ? kept : all;
    }
}
