namespace NetnsPolicy.Service.Runs;

/// <summary>
/// Where a run is in its life: <see cref="Queued"/> → <see cref="Running"/> → one of the terminal states. The
/// service's own enum (the store spells it by name, <c>Persistence/StoreNames</c>; the API's <c>RunState</c> is mapped
/// in <c>Api/</c>), so renumbering the wire enum never changes what the service or its stored rows mean.
/// </summary>
internal enum RunState
{
    /// <summary>Accepted and stored, waiting for a free core.</summary>
    Queued,

    /// <summary>At least one simulation started.</summary>
    Running,

    /// <summary>Every simulation finished and the report is stored.</summary>
    Succeeded,

    /// <summary>A simulation, the report or the store failed; the detail says which.</summary>
    Failed,

    /// <summary>Cancelled by request.</summary>
    Cancelled,

    /// <summary>The run's timeout fired before every simulation finished.</summary>
    DeadlineExceeded,

    /// <summary>Left unfinished by a previous process and not resumed.</summary>
    Interrupted,
}
