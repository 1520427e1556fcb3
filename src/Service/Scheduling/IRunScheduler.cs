namespace NetnsPolicy.Service.Scheduling;

/// <summary>
/// Where runs execute. The API and the run store talk only to this interface, so a distributed engine (Orleans
/// grains for tournaments that outgrow one machine) can replace the in-process <see cref="LocalRunScheduler"/>.
/// </summary>
public interface IRunScheduler
{
    /// <summary>
    /// Reserves room for one run, or returns null when the queue is full. Reserving first lets the caller store the
    /// run only once it is sure to be admitted, so a refused run leaves nothing behind.
    /// </summary>
    IRunReservation? TryReserve();

    /// <summary>Runs admitted and not yet drained.</summary>
    int ActiveRuns { get; }
}

/// <summary>Room for one run in a scheduler. Dispose without <see cref="Start"/> to give it back.</summary>
public interface IRunReservation : IDisposable
{
    /// <summary>Hands the run to the scheduler; the room is freed when the run drains.</summary>
    void Start(ScheduledRun run);
}
