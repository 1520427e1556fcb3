namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// The work one simulation may do, set by whoever runs it (the service derives it from its configuration). Exceeding
/// any part ends the run as <see cref="Metrics.RunStatus.BudgetExceeded"/> naming the part: a bound on work, not on
/// simulated time, so it also stops runs whose simulated time no longer advances. Not part of a result's identity:
/// a run within its budget gives the same result under any budget.
/// </summary>
/// <param name="MaxEvents">Events processed (queued and inline CPU segments), checked every 4096 events.</param>
/// <param name="MaxPendingEvents">Events waiting in the future event list at once (timers, wake-ups), checked every 4096 events.</param>
/// <param name="MaxDevices">Network devices created over the run, the initial population's included; checked as each is created.</param>
public sealed record SimulationBudget(long MaxEvents = long.MaxValue, long MaxPendingEvents = long.MaxValue, long MaxDevices = long.MaxValue)
{
    /// <summary>No bound.</summary>
    public static SimulationBudget Unlimited { get; } = new();
}

/// <summary>Thrown inside the event loop when a <see cref="SimulationBudget"/> part is exceeded; the run ends with it.</summary>
public sealed class BudgetExceededException : Exception
{
    public BudgetExceededException(string resource, long limit, long reached, long simulatedNs)
        : base($"{resource} budget of {limit} exceeded ({reached}) at {simulatedNs / 1e9:F6} s simulated")
    {
        Resource = resource;
        Limit = limit;
    }

    public BudgetExceededException()
    {
        Resource = "";
    }

    public BudgetExceededException(string message)
        : base(message)
    {
        Resource = "";
    }

    public BudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
        Resource = "";
    }

    /// <summary>What ran away: <c>events</c>, <c>pending_events</c> or <c>devices</c>.</summary>
    public string Resource { get; }

    /// <summary>The budget's bound for it.</summary>
    public long Limit { get; }
}
