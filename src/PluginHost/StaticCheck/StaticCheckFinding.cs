namespace NetnsPolicy.PluginHost.StaticCheck;

/// <summary>One forbidden reference found in a policy assembly.</summary>
/// <param name="Assembly">The assembly's file name.</param>
/// <param name="Member">The referenced member or type, e.g. <c>System.DateTime.get_Now</c>.</param>
/// <param name="Reason">What it gives access to (the wall clock, file I/O…).</param>
/// <param name="UsedIn">The plugin method that uses it, or null when it appears only in a signature.</param>
public sealed record StaticCheckFinding(string Assembly, string Member, string Reason, string? UsedIn)
{
    public override string ToString() =>
        UsedIn is null ? $"{Assembly}: references {Member} ({Reason})" : $"{Assembly}: {UsedIn} uses {Member} ({Reason})";
}
