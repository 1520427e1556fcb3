using System.Globalization;
using System.Text;

namespace NetnsPolicy.Calibration;

/// <summary>The predicted-vs-measured table printed by <c>calibrate</c> and <c>validate</c>.</summary>
public static class ComparisonTable
{
    public static string Render(IReadOnlyList<Comparison> rows)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"{"experiment",-18} {"quantity",-17} {"measured",12} {"predicted",12} {"error",8}  use");
        foreach (var r in rows)
        {
            var predicted = r.Predicted is { } p ? p.ToString("G5", c) : "-";
            var error = r.RelativeError is { } e ? e.ToString("+0.0%;-0.0%", c) : "-";
            sb.AppendLine(c, $"{r.Experiment,-18} {r.Quantity,-17} {r.Measured.ToString("G5", c),12} {predicted,12} {error,8}  {(r.Fitted ? "fitted" : "held out")}{(r.Note is null ? "" : "  (" + r.Note + ")")}");
        }

        var fit = rows.Where(r => r.Fitted && r.LogError is not null).ToList();
        var held = HeldOutCentral(rows);
        var tails = rows.Where(r => !r.Fitted && r.IsTail && r.LogError is not null).ToList();
        var spread = rows.Where(r => !r.Fitted && r.IsSpread && !r.NotPredicted && r.LogError is not null).ToList();
        var unclaimed = rows.Where(r => r.NotPredicted && !r.IsTail && r.LogError is not null).ToList();
        sb.AppendLine(c, $"RMS log error: fitted {Calibrator.Rms(fit):F3} ({fit.Count} quantities); held out {Calibrator.Rms(held):F3} ({held.Count} central quantities: {Names(held)}); held-out tails {Calibrator.Rms(tails):F3} ({tails.Count}); held-out spread {Calibrator.Rms(spread):F3} ({spread.Count}); not predicted (burst creation phase, release, probe-only batch, creation-gap spread) {Calibrator.Rms(unclaimed):F3} ({unclaimed.Count})");
        return sb.ToString();
    }

    /// <summary>Held-out medians, means, teardown times and memory but those named as not predicted (<see cref="Replay.IsNotPredicted"/>): what <c>validate --max-held-out-rms</c> checks.</summary>
    public static List<Comparison> HeldOutCentral(IReadOnlyList<Comparison> rows) =>
        rows.Where(r => !r.Fitted && !r.IsTail && !r.IsSpread && !r.NotPredicted && r.LogError is not null).ToList();

    /// <summary>
    /// Every central quantity of a session, fitted and held-out experiments alike, but those named as not predicted:
    /// the measure of a profile fitted to other sessions (a whole session held out), where the session's own fitted
    /// and held-out flags mean nothing.
    /// </summary>
    public static List<Comparison> SessionCentral(IReadOnlyList<Comparison> rows) =>
        rows.Where(r => !r.IsTail && !r.IsSpread && !r.NotPredicted && r.LogError is not null).ToList();

    /// <summary>Every spread quantity (CV) of a session but those named as not predicted (see <see cref="SessionCentral"/>).</summary>
    public static List<Comparison> SessionSpread(IReadOnlyList<Comparison> rows) =>
        rows.Where(r => r.IsSpread && !r.NotPredicted && r.LogError is not null).ToList();

    /// <summary>validate's line for a whole session held out: its central, tail and spread quantities, fitted flags ignored.</summary>
    public static string RenderSession(IReadOnlyList<Comparison> rows)
    {
        var central = SessionCentral(rows);
        var tails = rows.Where(r => r.IsTail && r.LogError is not null).ToList();
        var spread = SessionSpread(rows);
        return string.Create(CultureInfo.InvariantCulture,
            $"whole session (for a profile fitted to other sessions, every experiment held out): RMS log error central {Calibrator.Rms(central):F3} ({central.Count}); tails {Calibrator.Rms(tails):F3} ({tails.Count}); spread {Calibrator.Rms(spread):F3} ({spread.Count}){Environment.NewLine}");
    }

    private static string Names(List<Comparison> rows) => string.Join(", ", rows.Select(r => r.Experiment + "." + r.Quantity));
}
