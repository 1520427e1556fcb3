namespace NetnsPolicy.Simulation;

/// <summary>Thrown when a workload, profile or request is invalid; lists every offending field.</summary>
public sealed class InputValidationException : Exception
{
    public InputValidationException(IReadOnlyList<FieldError> errors)
        : base(string.Join("; ", errors))
    {
        Errors = errors;
    }

    public InputValidationException(string field, string message)
        : this([new FieldError(field, message)])
    {
    }

    public IReadOnlyList<FieldError> Errors { get; }
}
