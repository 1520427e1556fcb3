namespace NetnsPolicy.Service.Runs;

/// <summary>
/// Who may cancel or delete a run or tournament. Its owner is the key's principal that submitted it
/// (<c>key:PRINCIPAL</c>); a keyless caller's work is anonymous (<c>peer:ADDRESS</c>, the address only for fairness).
/// Anonymous work may be changed by any caller the service admits; keyed work only by its key or an admin key.
/// </summary>
internal static class RunOwnership
{
    /// <summary>The prefix of an owner that is a key's principal.</summary>
    public const string KeyPrefix = "key:";

    /// <summary>True when <paramref name="caller"/> (its identity, <paramref name="admin"/> when it holds the admin role) may change work owned by <paramref name="owner"/>.</summary>
    public static bool MayChange(string owner, string? caller, bool admin) =>
        admin || !owner.StartsWith(KeyPrefix, StringComparison.Ordinal) || string.Equals(owner, caller, StringComparison.Ordinal);
}
