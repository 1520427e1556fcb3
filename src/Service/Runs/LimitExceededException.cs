namespace NetnsPolicy.Service.Runs;

/// <summary>A request within the rules but over one of the service's limits; answered with RESOURCE_EXHAUSTED.</summary>
/// <param name="subject">What is over the limit, as a field path or a resource (<c>workload.burst.count</c>, <c>queue</c>).</param>
/// <param name="description">The limit and the value that broke it.</param>
public sealed class LimitExceededException(string subject, string description) : Exception($"{subject}: {description}")
{
    /// <summary>What is over the limit.</summary>
    public string Subject { get; } = subject;

    /// <summary>The limit and the value that broke it.</summary>
    public string Description { get; } = description;
}
