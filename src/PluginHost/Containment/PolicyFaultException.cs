namespace NetnsPolicy.PluginHost.Containment;

/// <summary>
/// Thrown into the engine by <see cref="GuardedPolicy"/> when a policy throws, exceeds its budget or was abandoned; the
/// engine ends the run with status <c>policy-fault</c> and this message as the detail.
/// </summary>
public sealed class PolicyFaultException : Exception
{
    public PolicyFaultException(string message)
        : base(message)
    {
    }

    public PolicyFaultException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public PolicyFaultException()
    {
    }
}
