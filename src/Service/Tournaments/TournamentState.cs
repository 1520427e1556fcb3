namespace NetnsPolicy.Service.Tournaments;

/// <summary>Where a tournament is; the service's own enum (stored by name, mapped to the API's in <c>Api/</c>).</summary>
internal enum TournamentState
{
    /// <summary>Running its matches.</summary>
    Running,

    /// <summary>Finished; every gate passed.</summary>
    Passed,

    /// <summary>Finished; at least one gate failed.</summary>
    GateFailed,

    /// <summary>Could not finish; the detail says why.</summary>
    Failed,

    /// <summary>Cancelled by request.</summary>
    Cancelled,
}
