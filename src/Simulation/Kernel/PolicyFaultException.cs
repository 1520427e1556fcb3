namespace NetnsPolicy.Simulation.Kernel;

/// <summary>A policy threw or answered the impossible; the run ends with status policy-fault.</summary>
internal sealed class PolicyFaultException(string message, Exception? inner) : Exception(message, inner);
