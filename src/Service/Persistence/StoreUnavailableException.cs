namespace NetnsPolicy.Service.Persistence;

/// <summary>The store cannot write (disk full, read-only, I/O error); new work is refused with UNAVAILABLE until it can.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
