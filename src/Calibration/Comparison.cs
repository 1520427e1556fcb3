namespace NetnsPolicy.Calibration;

/// <summary>One measured quantity next to the simulation's prediction of it.</summary>
public sealed record Comparison(string Experiment, string Quantity, string Unit, double Measured, double? Predicted, bool Fitted, string? Note = null, bool NotPredicted = false)
{
    /// <summary>
    /// A tail quantity (p99, max): set by a few events on the host (scheduling noise on a shared machine, one long lock
    /// hold), so reported apart from the central quantities (medians, means, teardown time, memory).
    /// </summary>
    public bool IsTail => (Quantities.IsWindowed(Quantity) ? Quantities.Unwindowed(Quantity) : Quantity) is Quantities.CreationMsP90 or Quantities.CreationMsP99 or Quantities.CreationMsMax;

    /// <summary>A spread quantity (coefficient of variation): judged apart, against the variation model.</summary>
    public bool IsSpread => Quantities.IsSpread(Quantity);

    /// <summary>(predicted − measured) / measured, or null without a prediction.</summary>
    public double? RelativeError => Predicted is { } p && Measured != 0 ? (p - Measured) / Measured : null;

    /// <summary>ln(predicted / measured): the fit's residual (symmetric in over- and under-prediction).</summary>
    public double? LogError => Predicted is { } p && p > 0 && Measured > 0 ? Math.Log(p / Measured) : null;
}
