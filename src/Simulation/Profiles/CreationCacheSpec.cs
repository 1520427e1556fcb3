namespace NetnsPolicy.Simulation.Profiles;

/// <summary>
/// How much slower a netns creation runs when the creation path's code and data are not in the host's caches
/// (docs/calibration.md, "A creation after a pause runs cold"). A warmth h between 0 (cold) and 1 (warm) decays while
/// no creation runs, h · exp(−pause / warm_decay_ms), and each creation warms it by a share of what is left,
/// h + warming_per_creation · (1 − h); a creation's CPU steps in copy_net_ns cost <c>cold_factor − (cold_factor − 1) · h</c>
/// times their cost, h read when it starts. The first creation of a run is cold. Measured by <c>netns-policy probe</c>'s
/// creation-gap experiments (serial creations with pauses of 0 … 50 ms between them, interleaved) beside its serial
/// one, not fitted to what it predicts. Null: every creation costs the same, as before it existed.
/// </summary>
/// <remarks>
/// A property of the host's caches, not of the kernel's code: on this project's 2-CPU EPYC VM (6.18.44, 2026-12-03) a
/// creation's time is ×1.5–1.9 after a 20 ms pause, whether the CPU idled or ran user-space work in it, and one
/// creation straight after a cold one is still slower than a run of them. Machine-wide: the model does not track
/// which CPU's caches a creation finds.
/// </remarks>
public sealed record CreationCacheSpec
{
    /// <summary>A cold creation's CPU cost over a warm one's (≥ 1).</summary>
    public double ColdFactor { get; init; } = 1;

    /// <summary>Time constant of the warmth's decay while no creation runs, in milliseconds.</summary>
    public double WarmDecayMs { get; init; } = 1;

    /// <summary>The share of the missing warmth one creation restores (0 &lt; … ≤ 1; 1: one creation makes the path warm).</summary>
    public double WarmingPerCreation { get; init; } = 1;

    /// <summary>Warmth <paramref name="h"/> after <paramref name="pauseNs"/> with no creation.</summary>
    public double Decayed(double h, long pauseNs) => pauseNs <= 0 ? h : h * Math.Exp(-(pauseNs / 1e6) / WarmDecayMs);

    /// <summary>The factor on the CPU costs of a creation that starts at warmth <paramref name="h"/>.</summary>
    public double Factor(double h) => ColdFactor - ((ColdFactor - 1) * h);

    /// <summary>Warmth <paramref name="h"/> after one more creation.</summary>
    public double Warmed(double h) => h + (WarmingPerCreation * (1 - h));
}
