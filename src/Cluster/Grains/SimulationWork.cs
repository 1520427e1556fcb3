using System.Security.Cryptography;
using System.Text;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Cluster.Grains;

/// <summary>
/// A <see cref="SimulationInput"/> as Orleans carries it between silos (its own serializer, generated for this type):
/// plain data, parameters in ordinal order.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SimulationWork(
    [property: Id(0)] string WorkloadJson,
    [property: Id(1)] string KernelProfile,
    [property: Id(2)] string PolicySpec,
    [property: Id(3)] string[] ParameterNames,
    [property: Id(4)] string[] ParameterValues,
    [property: Id(5)] string AssemblyHash,
    [property: Id(6)] ulong Seed,
    [property: Id(7)] int Replication,
    [property: Id(8)] long[]? Budget)
{
    public static SimulationWork From(SimulationInput input)
    {
        var parameters = input.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        return new SimulationWork(
            input.WorkloadJson, input.KernelProfile, input.PolicySpec,
            [.. parameters.Select(p => p.Key)], [.. parameters.Select(p => p.Value)],
            input.AssemblyHash, input.Seed, input.Replication,
            input.Budget is { } b ? [b.MaxEvents, b.MaxPendingEvents, b.MaxDevices] : null);
    }

    public SimulationInput ToInput()
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < ParameterNames.Length; i++)
        {
            parameters[ParameterNames[i]] = ParameterValues[i];
        }

        return new SimulationInput(WorkloadJson, KernelProfile, PolicySpec, parameters, AssemblyHash, Seed, Replication,
            Budget is [var events, var pending, var devices] ? new SimulationBudget(events, pending, devices) : null);
    }

    /// <summary>
    /// SHA-256 (hex) of everything the result depends on — workload, profile, policy spec, parameters, assembly hash,
    /// seed, replication — and the budget, which can end it early: the simulation grain's key. Two requests for the same
    /// simulation meet at one activation, and a re-execution after a silo's death is the same grain.
    /// </summary>
    public string ContentHash()
    {
        var text = new StringBuilder();
        void Field(string value) => text.Append(value.Length).Append(':').Append(value).Append('\n');
        Field(WorkloadJson);
        Field(KernelProfile);
        Field(PolicySpec);
        for (var i = 0; i < ParameterNames.Length; i++)
        {
            Field(ParameterNames[i]);
            Field(ParameterValues[i]);
        }

        Field(AssemblyHash);
        Field(Seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field(Replication.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field(Budget is null ? "-" : string.Join(',', Budget));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

/// <summary>The outcome of a simulation executed by a silo.</summary>
/// <param name="Status">The engine's status.</param>
/// <param name="ResultJson">The engine's versioned result JSON.</param>
/// <param name="Silo">The name of the silo that executed it.</param>
[GenerateSerializer, Immutable]
public sealed record SimulationReply([property: Id(0)] string Status, [property: Id(1)] string ResultJson, [property: Id(2)] string Silo)
{
    /// <summary>Why the silo refused to execute it (its catalog lacks the policy's bytes), or null when it executed it.</summary>
    [Id(3)]
    public string? Refusal { get; init; }

    /// <summary>The address of the silo that answered (refusing silos are left out when the simulation is placed again).</summary>
    [Id(4)]
    public SiloAddress? Address { get; init; }
}
