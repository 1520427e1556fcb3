namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// <c>defer_free_list</c> (6.13, 0f6ede9fbc74, net/core/net_namespace.c): struct nets whose last passive reference
/// is gone wait here for the next cleanup_net run, whose <c>net_complete_free()</c> frees them after its
/// <c>rcu_barrier()</c>. Only their memory is tracked: nothing else reads a net once it is on this list.
/// </summary>
internal sealed class DeferFreeList
{
    /// <summary>Bytes of the struct nets on the list.</summary>
    public long Bytes { get; private set; }

    /// <summary><c>net_passive_dec</c>: <c>llist_add(&amp;net-&gt;defer_free_list, &amp;defer_free_list)</c>.</summary>
    public void Add(long bytes) => Bytes += bytes;

    /// <summary><c>net_complete_free</c>: <c>llist_del_all</c>, then every net is freed; returns the bytes freed.</summary>
    public long TakeAll()
    {
        var bytes = Bytes;
        Bytes = 0;
        return bytes;
    }
}
