using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// net_namespace_list and the nsids live nets hold for each other (net/core/net_namespace.c: <c>unhash_nsid</c>,
/// <c>__peernet2id</c>). The model tracks the listed nets and the init netns's ids of namespaces (veth peers).
/// </summary>
internal sealed class NsidTable(CoreCosts costs, StructureSpec structure)
{
    /// <summary>Nets on net_namespace_list, init_net included.</summary>
    public int ListedNets { get; set; } = 1;

    /// <summary>nsids the init netns holds for other namespaces.</summary>
    public int HostNsids { get; set; }

    /// <summary>One full unhash_nsid scan: every listed net visited, each IDR walked linearly.</summary>
    public long ScanCost => (ListedNets * costs.NsidVisitNs) + ((long)HostNsids * costs.NsidPerIdNs);

    /// <summary>Whether the scan runs after net_rwsem is dropped, under each net's nsid_lock only (4.17).</summary>
    public bool ScanOutsideListLock => structure.NsidUnhash == NsidUnhashLock.NsidLockOnly;

    /// <summary>list_del_rcu of one net, and its nsid in the init netns (idr_remove + RTM_DELNSID).</summary>
    public long Unlink(Net net)
    {
        ListedNets--;
        var cost = costs.UnlinkNetNs;
        if (net.HostHasNsid)
        {
            net.HostHasNsid = false;
            HostNsids--;
            cost += costs.NsidRemoveNs;
        }

        return cost;
    }

    public void Link() => ListedNets++;

    public void AssignHostNsid(Net net)
    {
        if (!net.HostHasNsid)
        {
            net.HostHasNsid = true;
            HostNsids++;
        }
    }
}
