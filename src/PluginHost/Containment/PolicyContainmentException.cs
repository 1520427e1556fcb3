namespace NetnsPolicy.PluginHost.Containment;

/// <summary>
/// Thrown into the engine by <see cref="GuardedPolicy"/> when a decision exceeded its budget or came back after the
/// watchdog abandoned the run; the engine ends the run with status <c>policy-fault</c> and this message in the detail
/// (after its own "policy 'id' threw … in Decision at t=…").
/// </summary>
public sealed class PolicyContainmentException : Exception
{
    public PolicyContainmentException(string message)
        : base(message)
    {
    }

    public PolicyContainmentException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public PolicyContainmentException()
    {
    }
}
