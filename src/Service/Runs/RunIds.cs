using System.Security.Cryptography;

namespace NetnsPolicy.Service.Runs;

/// <summary>Run ids: 26 Crockford base-32 characters, a millisecond timestamp then 80 random bits (ULID layout), so ids sort by creation time.</summary>
internal static class RunIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New(DateTimeOffset now)
    {
        Span<char> id = stackalloc char[26];
        var ms = (ulong)now.ToUnixTimeMilliseconds();
        for (var i = 9; i >= 0; i--)
        {
            id[i] = Alphabet[(int)(ms & 31)];
            ms >>= 5;
        }

        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        for (var i = 10; i < 26; i++)
        {
            id[i] = Alphabet[random[i - 10] & 31];
        }

        return new string(id);
    }

    /// <summary>True for a string shaped like a run id (so a malformed id is rejected before touching the store).</summary>
    public static bool IsWellFormed(string? id) =>
        id is { Length: 26 } && id.All(c => Alphabet.Contains(c, StringComparison.Ordinal));
}
