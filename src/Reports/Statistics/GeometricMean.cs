namespace NetnsPolicy.Reports.Statistics;

/// <summary>Geometric mean of positive ratios, computed in log space so long products neither overflow nor underflow.</summary>
public static class GeometricMean
{
    public static double Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sum = 0.0;
        var count = 0;
        foreach (var v in values)
        {
            if (!(v > 0) || double.IsPositiveInfinity(v))
            {
                throw new ArgumentOutOfRangeException(nameof(values), v, "a geometric mean needs finite positive values");
            }

            sum += Math.Log(v);
            count++;
        }

        if (count == 0)
        {
            throw new ArgumentException("no values", nameof(values));
        }

        return Math.Exp(sum / count);
    }
}
