namespace NetnsPolicy.Cluster.Front;

/// <summary>What the run and tournament faces share: their id, this activation's incarnation, the long poll's bound and the hold check.</summary>
internal abstract class FaceGrain : Grain
{
    /// <summary>How long one long poll waits for a change before answering with the same progress.</summary>
    protected static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(15);

    /// <summary>This activation (versions count within one; a watcher that sees another starts afresh).</summary>
    protected Guid Incarnation { get; } = Guid.NewGuid();

    protected string Id => this.GetPrimaryKeyString();

    public Task<bool> EnsureHeldAsync() => Task.FromResult(Hold() is null);

    /// <summary>Null when this silo holds the work (taken over if need be); else the reply that says why not (<see cref="FaceAnswers.Hold"/>).</summary>
    protected abstract FaceReply? Hold();
}
