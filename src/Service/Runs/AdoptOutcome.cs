namespace NetnsPolicy.Service.Runs;

/// <summary>What taking over a run or tournament from the shared store came to (a cluster's grain activation, docs/cluster.md).</summary>
internal enum AdoptOutcome
{
    /// <summary>This process holds it (it ran it already, took it over, or it has finished and any process serves it).</summary>
    Held,

    /// <summary>Another live process holds its advisory lock (or the store cannot be written now).</summary>
    Elsewhere,

    /// <summary>The store has no such run or tournament.</summary>
    NotFound,
}
