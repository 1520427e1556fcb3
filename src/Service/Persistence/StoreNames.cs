using NetnsPolicy.Service.Runs;
using NetnsPolicy.Service.Tournaments;

namespace NetnsPolicy.Service.Persistence;

/// <summary>
/// How the service spells run and tournament states and run kinds, in the store and in progress phases: its own
/// names, so that renumbering or renaming an enum never changes what stored rows mean (schema 1 stored the proto enum
/// numbers; migration 1 → 2 converts them).
/// </summary>
internal static class StoreNames
{
    private static readonly (RunState State, string Name)[] States =
    [
        (RunState.Queued, "queued"),
        (RunState.Running, "running"),
        (RunState.Succeeded, "succeeded"),
        (RunState.Failed, "failed"),
        (RunState.Cancelled, "cancelled"),
        (RunState.DeadlineExceeded, "deadline-exceeded"),
        (RunState.Interrupted, "interrupted"),
    ];

    public static string Of(RunState state) =>
        States.FirstOrDefault(s => s.State == state).Name ?? throw new ArgumentOutOfRangeException(nameof(state), state, "no stored name");

    public static RunState ParseState(string name) =>
        States.FirstOrDefault(s => s.Name == name) is { Name: not null } found ? found.State
        : throw new InvalidDataException($"stored run state '{name}' is not one this build knows");

    public static string Of(TournamentState state) => state switch
    {
        TournamentState.Running => "running",
        TournamentState.Passed => "passed",
        TournamentState.GateFailed => "gate-failed",
        TournamentState.Cancelled => "cancelled",
        _ => "failed",
    };

    /// <summary>A stored tournament state; a name this build does not know reads as failed.</summary>
    public static TournamentState ParseTournamentState(string name) => name switch
    {
        "running" => TournamentState.Running,
        "passed" => TournamentState.Passed,
        "gate-failed" => TournamentState.GateFailed,
        "cancelled" => TournamentState.Cancelled,
        _ => TournamentState.Failed,
    };

    public static string Of(RunKind kind) => kind == RunKind.Comparison ? "comparison" : "single";

    public static RunKind ParseKind(string name) => name == "comparison" ? RunKind.Comparison : RunKind.Single;

    /// <summary>SQL converting schema 1's state numbers (RunState's values when it was written) into names.</summary>
    public const string MigrateStatesSql = """
        UPDATE runs SET
          state = CASE state WHEN 1 THEN 'queued' WHEN 2 THEN 'running' WHEN 3 THEN 'succeeded' WHEN 4 THEN 'failed'
                             WHEN 5 THEN 'cancelled' WHEN 6 THEN 'deadline-exceeded' WHEN 7 THEN 'interrupted' ELSE 'failed' END,
          kind = CASE kind WHEN 2 THEN 'comparison' ELSE 'single' END
        """;
}
