using NetnsPolicy.Sdk;

namespace NetnsPolicy.TestPlugins.Misbehaving;

/// <summary>
/// Allocates without bound. Each decision keeps another <c>chunk_mb</c> MiB forever; with <c>forever</c> a single
/// decision allocates and keeps 1 MiB chunks until the runtime fails.
/// </summary>
public sealed class AllocatingPolicy : ICleanupPolicy
{
    private readonly List<byte[]> _kept = [];
    private long _chunkMb;
    private bool _forever;

    public PolicyDescriptor Descriptor { get; } = new(
        "allocates",
        new Version(1, 0, 0),
        "Test plugin: allocates memory it never releases.",
        DecisionPoint.BatchAdmission,
        [
            ParameterSpec.Integer("chunk_mb", 128, 1, 4096, "MiB kept per decision."),
            ParameterSpec.Boolean("forever", false, "Allocate 1 MiB chunks in one decision until the runtime fails."),
        ]);

    public void Configure(PolicyParameters parameters)
    {
        _chunkMb = parameters.GetInt64("chunk_mb");
        _forever = parameters.GetBoolean("forever");
    }

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context)
    {
        do
        {
            var chunk = new byte[(_forever ? 1 : _chunkMb) << 20];
            // Touch every page so the memory is really committed.
            for (var i = 0; i < chunk.Length; i += 4096)
            {
                chunk[i] = 1;
            }

            _kept.Add(chunk);
        }
        while (_forever);

        return context.KernelDefault;
    }
}
