namespace NetnsPolicy.Service.Runs;

/// <summary>
/// A duration as a client gave it: seconds and nanoseconds, unchecked (the API's <c>google.protobuf.Duration</c>
/// fields, exactly), so that <see cref="RunPlanner.CheckDuration"/> can refuse one protobuf does not allow.
/// </summary>
/// <param name="Seconds">Whole seconds.</param>
/// <param name="Nanos">Nanoseconds, within ±999 999 999 with the sign of <paramref name="Seconds"/> when valid.</param>
internal readonly record struct RequestDuration(long Seconds, int Nanos)
{
    /// <summary>The duration; only for one <see cref="RunPlanner.CheckDuration"/> accepted (100 ns ticks, truncated).</summary>
    public TimeSpan ToTimeSpan() => TimeSpan.FromTicks(checked((Seconds * TimeSpan.TicksPerSecond) + (Nanos / 100)));
}
