using System.Text.Json.Serialization;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation;

/// <summary>
/// Source-generated System.Text.Json metadata for reading workloads and kernel profiles (issue 16, start-up: building
/// it by reflection cost <c>simulate</c> 40–120 ms per format). Naming, strictness and converters come from
/// <see cref="JsonInput.Options"/>. Generated metadata constructs init-only records through an object initializer
/// that passes every property a document leaves out as its type's default, not its initializer's value
/// (dotnet/runtime#84484); <see cref="JsonInputDefaults"/> puts those back after reading.
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(Workload))]
[JsonSerializable(typeof(KernelProfile))]
internal sealed partial class JsonInputContext : JsonSerializerContext;
