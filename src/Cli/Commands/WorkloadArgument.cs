using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Cli.Commands;

/// <summary>A workload named on the command line: a file is sent as JSON, anything else as the name of a shipped workload.</summary>
internal static class WorkloadArgument
{
    public static WorkloadSource ToSource(string value)
    {
        if (File.Exists(value))
        {
            return new WorkloadSource { Json = File.ReadAllText(value) };
        }

        if (value.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || value.Contains('/', StringComparison.Ordinal) || value.Contains('\\', StringComparison.Ordinal))
        {
            throw new InputValidationException("workload", $"file '{value}' does not exist");
        }

        // The service knows its shipped workloads (and names the field when it does not know this one).
        return new WorkloadSource { Builtin = value };
    }
}
