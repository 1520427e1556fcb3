namespace NetnsPolicy.Calibration;

/// <summary>The host cannot run an experiment (not root, no network namespaces, no iproute2), or one failed.</summary>
public sealed class ProbeException(string message) : Exception(message);
