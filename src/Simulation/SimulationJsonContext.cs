using System.Text.Json.Serialization;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Simulation;

/// <summary>
/// Source-generated System.Text.Json metadata for writing run results (issue 16, start-up: building it by reflection
/// cost <c>simulate --format json</c> about 30 ms). Only the metadata is generated; naming and encoding come from
/// <see cref="RunResultJson.Options"/>, so the bytes are the same. Not used for reading workloads, profiles or
/// results: generated metadata passes every init-only property left out of a document as its type's default instead
/// of keeping the property's initializer (dotnet/runtime#84484), and these records rely on their initializers.
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(RunResult))]
internal sealed partial class SimulationJsonContext : JsonSerializerContext;
