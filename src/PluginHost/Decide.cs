using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost;

/// <summary>One decision method of <see cref="ICleanupPolicy"/>, as a cached static delegate (no allocation per call).</summary>
internal delegate TResult Decide<TContext, TResult>(ICleanupPolicy policy, in TContext context)
    where TContext : struct;
