namespace NetnsPolicy.Simulation;

/// <summary>One invalid input: the field's path (e.g. <c>machine.cpus</c>) and the reason.</summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
