namespace NetnsPolicy.Cli;

/// <summary>The process exit codes of every command (documented in docs/cli.md; CI scripts depend on them).</summary>
internal static class ExitCodes
{
    /// <summary>Everything ran and every gate passed.</summary>
    public const int Ok = 0;

    /// <summary>The work ran, but a tournament gate failed.</summary>
    public const int GateFailed = 1;

    /// <summary>Bad input: a malformed option, file or request; the message names the field.</summary>
    public const int BadInput = 2;

    /// <summary>A run failed, was cancelled or timed out, or a simulation ended badly (OOM, stall, policy fault).</summary>
    public const int RunFailed = 3;

    /// <summary>The server could not be reached (or the embedded one could not start).</summary>
    public const int ServerUnreachable = 4;

    /// <summary>Interrupted by Ctrl+C.</summary>
    public const int Interrupted = 130;

    /// <summary>The exit codes as --help lists them.</summary>
    public const string Summary = "Exit codes: 0 ok; 1 a tournament gate failed; 2 bad input (the message names the field); 3 a run failed or a simulation ended badly; 4 the service is unreachable; 130 interrupted.";
}
