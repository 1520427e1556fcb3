using NetnsPolicy.Service.Runs;
using NetnsPolicy.Service.Tournaments;

namespace NetnsPolicy.Service.Persistence;

/// <summary>
/// Where runs, tournaments, simulation results and reports are kept: SQLite embedded (<see cref="SqliteRunStore"/>),
/// PostgreSQL when several service processes share one store (<see cref="PostgresRunStore"/>). Results are keyed by
/// their content hash and inserted only when absent, so a simulation finished twice (by two silos, say) is stored once.
/// A store that cannot write says so (<see cref="Fault"/>) instead of failing later; every write throws
/// <see cref="StoreUnavailableException"/> while it cannot.
/// </summary>
internal interface IRunStore : IDisposable
{
    /// <summary>The schema version this build reads and writes; a store with a newer one refuses to open naming it.</summary>
    int SchemaVersion { get; }

    /// <summary>Why the store cannot write (disk full, read-only, server gone), or null while it can.</summary>
    string? Fault { get; }

    /// <summary>True when the store answers a query.</summary>
    bool IsReachable();

    /// <summary>While faulted, tries a probe write (and opening, if the store never opened); true when the store can write.</summary>
    bool TryRecover();

    /// <summary>Throws <see cref="StoreUnavailableException"/> while the store cannot write.</summary>
    void ThrowIfUnwritable();

    /// <summary>
    /// Claims a run or tournament for this process, where several processes share the store: false while another
    /// live process holds it (it is running it). Held until <see cref="Release"/> or this process ends. An embedded
    /// store, which one process owns, always grants it.
    /// </summary>
    bool TryHold(string id);

    /// <summary>Gives up what <see cref="TryHold"/> claimed (the run or tournament has ended here).</summary>
    void Release(string id);

    /// <summary>
    /// Stores an accepted run with its simulations; those in <paramref name="fromStore"/> (index → status) are stored
    /// finished. With <paramref name="admitBelow"/> &gt; 0 the run is admitted only while the store holds fewer runs queued
    /// or running — counted in the insert's transaction, serialised across the processes sharing the store — else
    /// <see cref="LimitExceededException"/> on <c>queue</c> (a cluster's <c>MaxQueuedRuns</c>).
    /// </summary>
    void InsertRun(string id, RunPlan plan, DateTimeOffset createdAt, IReadOnlyDictionary<int, string> fromStore, string owner = "", int admitBelow = 0);

    /// <summary>Marks a run running (first simulation started).</summary>
    void MarkStarted(string id, DateTimeOffset at);

    /// <summary>Stores one finished simulation of a run: its result (inserted if absent) and its status in the run.</summary>
    void CompleteSimulation(string runId, int index, string resultKey, string status, string json);

    /// <summary>Stores a run's terminal state and, for a succeeded run, its report, in one transaction.</summary>
    void Finish(string id, RunState state, string detail, DateTimeOffset at, string? reportJson);

    /// <summary>Stores a run's terminal state once the store can write again.</summary>
    void FinishWhenWritable(string id, RunState state, string detail, DateTimeOffset at);

    StoredRun? GetRun(string id);

    /// <summary>Runs newest first, created before <paramref name="beforeId"/> when given, in <paramref name="states"/> when any.</summary>
    List<StoredRun> ListRuns(int limit, string? beforeId, IReadOnlyCollection<RunState> states);

    /// <summary>Ids of runs left queued or running (by a previous process), oldest first.</summary>
    List<string> UnfinishedRunIds();

    /// <summary>Ids of finished runs, oldest first; created before <paramref name="before"/> when given.</summary>
    List<string> FinishedRunIds(DateTimeOffset? before, int limit);

    List<StoredSimulation> GetSimulations(string runId);

    /// <summary>The stored report JSON of a run, or null.</summary>
    string? GetReport(string runId);

    /// <summary>Deletes a run with its simulations and report, and the results nothing references any more; returns how many results.</summary>
    int DeleteRun(string id);

    /// <summary>Statuses of the stored results among <paramref name="keys"/>, by key.</summary>
    Dictionary<string, string> FindResults(IEnumerable<string> keys);

    /// <summary>The stored result JSON among <paramref name="keys"/>, by key.</summary>
    Dictionary<string, string> ReadResults(IEnumerable<string> keys);

    /// <summary>Bytes the store's live rows take (what retention bounds).</summary>
    long UsedBytes();

    /// <summary>Stores an accepted tournament: its definition (the file's text), owner and budget.</summary>
    void InsertTournament(StoredTournament tournament);

    /// <summary>Stores a tournament's terminal state.</summary>
    void FinishTournament(string id, TournamentState state, string detail, DateTimeOffset at);

    /// <summary>Stores one simulation a tournament used: its result (inserted if absent, shared with runs) and the reference.</summary>
    void AddTournamentResult(string tournamentId, string resultKey, string status, string json);

    /// <summary>How many results a tournament has stored (its simulations done, as far as the store knows).</summary>
    int CountTournamentResults(string id);

    /// <summary>Ids of the tournaments stored as running, oldest first (what a cluster's sweep takes over when unheld).</summary>
    List<string> RunningTournamentIds();

    /// <summary>One stored tournament, or null when there is none by that id.</summary>
    StoredTournament? GetTournament(string id);

    /// <summary>Every stored tournament, oldest first.</summary>
    List<StoredTournament> ListTournaments();

    /// <summary>Deletes a tournament and the results nothing else references; returns how many results.</summary>
    int DeleteTournament(string id);
}
