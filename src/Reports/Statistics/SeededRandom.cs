namespace NetnsPolicy.Reports.Statistics;

/// <summary>
/// SplitMix64: a tiny, fast generator whose sequence is fixed by its seed on every runtime and platform.
/// <see cref="System.Random"/> does not promise that across .NET versions, and reports must be byte-identical.
/// </summary>
public sealed class SeededRandom
{
    private ulong _state;

    public SeededRandom(ulong seed) => _state = seed;

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, <paramref name="bound"/>) (Lemire's multiply-shift; the bias is below 2^-32 for report sizes).</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        return (int)(((NextUInt64() >> 32) * (ulong)bound) >> 32);
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A standard normal variate (Box–Muller; the second variate is dropped to keep the state simple).</summary>
    public double NextGaussian()
    {
        double u1;
        do
        {
            u1 = NextDouble();
        }
        while (u1 <= double.Epsilon);

        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A stable 64-bit seed from text (FNV-1a), so each (policy, metric) pair gets its own stream.</summary>
    public static ulong SeedFrom(ulong seed, string text)
    {
        var h = 0xCBF29CE484222325UL ^ seed;
        foreach (var ch in text)
        {
            h = (h ^ ch) * 0x100000001B3UL;
        }

        return h;
    }
}
