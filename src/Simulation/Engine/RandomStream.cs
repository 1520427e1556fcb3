namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// xoshiro256** seeded through SplitMix64 from (run seed, replication, stream id): every consumer of randomness has
/// its own stream, so adding a consumer never shifts another's draws. No global or unseeded randomness anywhere.
/// </summary>
internal sealed class RandomStream
{
    private ulong _s0, _s1, _s2, _s3;

    public RandomStream(ulong seed, int replication, ulong streamId)
    {
        var x = seed ^ (0x9E3779B97F4A7C15UL * (ulong)(replication + 1)) ^ (0xD1B54A32D192ED03UL * (streamId + 1));
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Exponential with the given mean.</summary>
    public double NextExponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    /// <summary>Standard normal (Box–Muller, one draw per call for simplicity and reproducibility).</summary>
    public double NextNormal()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
