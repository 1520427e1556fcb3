using System.Security.Cryptography;

namespace NetnsPolicy.Service.Runs;

/// <summary>
/// Run ids: 26 Crockford base-32 characters, a 48-bit millisecond timestamp then 80 random bits (the ULID layout).
/// Ids are monotonic within the process, as ULID's monotonic mode: in the same millisecond the random part is
/// incremented, so that ids sort exactly by creation order (ListRuns pages rely on it).
/// </summary>
internal static class RunIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static readonly UInt128 RandomMask = (UInt128.One << 80) - 1;
    private static readonly Lock Gate = new();
    private static long _lastMs = -1;
    private static UInt128 _lastRandom;

    public static string New(DateTimeOffset now)
    {
        long ms;
        UInt128 random;
        lock (Gate)
        {
            ms = Math.Max(now.ToUnixTimeMilliseconds(), _lastMs);
            if (ms == _lastMs && _lastRandom < RandomMask)
            {
                random = _lastRandom + 1;
            }
            else
            {
                Span<byte> bytes = stackalloc byte[16];
                RandomNumberGenerator.Fill(bytes);

                // The top bit clear leaves room to increment without overflowing the 80 bits.
                random = new UInt128(BitConverter.ToUInt64(bytes), BitConverter.ToUInt64(bytes[8..])) & (RandomMask >> 1);
                ms = ms == _lastMs ? ms + 1 : ms;
            }

            _lastMs = ms;
            _lastRandom = random;
        }

        Span<char> id = stackalloc char[26];
        var value = ((UInt128)(ulong)ms << 80) | random;
        for (var i = 25; i >= 0; i--)
        {
            id[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return new string(id);
    }

    /// <summary>True for a string shaped like a run id (so a malformed id is rejected before touching the store).</summary>
    public static bool IsWellFormed(string? id) =>
        id is { Length: 26 } && id.All(c => Alphabet.Contains(c, StringComparison.Ordinal));
}
