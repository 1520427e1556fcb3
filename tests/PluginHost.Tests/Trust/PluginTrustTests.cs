using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.PluginHost.Isolation;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.PluginHost.Tests.Trust;

/// <summary>Where each plugin may run: shipped (pinned hash) and trusted in-process, the rest only in the sandbox or refused.</summary>
[TestFixture]
public sealed class PluginTrustTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);

    [Test]
    public void Load_ShippedPolicyWithoutSandbox_TrustedByItsPinnedHash()
    {
        using var folder = new PluginFolder();
        folder.Install("batching");
        using var catalog = new PluginCatalog(new PluginCatalogOptions { PluginsDirectory = folder.Path, Watch = false, Trust = new PluginTrustOptions() });

        Assert.That(catalog.List().Single(p => p.Id == "batching").Trust, Is.EqualTo(PolicyTrust.Shipped));
        Assert.That(catalog.Problems, Is.Empty);
    }

    [Test]
    public void Load_ShippedPolicyRebuiltWithOtherBytes_NotTrustedAndRefusedWithoutSandbox()
    {
        using var folder = new PluginFolder();
        var installed = folder.Install("batching");
        var dll = Path.Combine(installed, "NetnsPolicy.Policies.Batching.dll");
        File.AppendAllBytes(dll, [0]);
        using var catalog = new PluginCatalog(new PluginCatalogOptions
        {
            PluginsDirectory = folder.Path,
            Watch = false,
            Trust = new PluginTrustOptions { SandboxUnavailableReason = "no user namespaces here" },
        });

        Assert.That(catalog.List().Select(p => p.Id), Does.Not.Contain("batching"));
        Assert.That(catalog.Problems.Single().Message, Does.Contain("untrusted plugins run only in the sandbox").And.Contain("no user namespaces here").And.Contain("UnsandboxedPlugins"));
    }

    [Test]
    public void Load_UntrustedWithoutSandbox_RefusedUnlessTrustedOrOptedOutByName()
    {
        using var folder = new PluginFolder();
        folder.Install("versioned-v1", "versioned");
        folder.Install("misbehaving");
        using var catalog = new PluginCatalog(new PluginCatalogOptions
        {
            PluginsDirectory = folder.Path,
            Watch = false,
            Trust = new PluginTrustOptions { Trusted = ["versioned"], Unsandboxed = ["misbehaving"] },
        });
        var trust = catalog.List().Where(p => p.Source != "builtin").GroupBy(p => p.Source).ToDictionary(g => g.Key, g => g.Select(p => p.Trust).Distinct().Single());

        Assert.That(trust, Is.EqualTo(new Dictionary<string, string> { ["versioned"] = PolicyTrust.Trusted, ["misbehaving"] = PolicyTrust.Unsandboxed }));
    }

    [Test]
    public async Task Acquire_SandboxedPlugin_NeverLoadedHereAndRunsWholeInAWorker()
    {
        using var folder = new PluginFolder();
        folder.Install("batching");
        File.AppendAllBytes(Path.Combine(folder.Path, "batching", "NetnsPolicy.Policies.Batching.dll"), [0]);
        using var sandbox = SandboxedWorkers.TryCreate(new SandboxOptions { WarmWorkers = 0 }, out var reason);
        Assert.That(sandbox, Is.Not.Null, reason);
        using var catalog = new PluginCatalog(new PluginCatalogOptions { PluginsDirectory = folder.Path, Watch = false, Trust = new PluginTrustOptions { Sandbox = sandbox } });
        var parameters = new Dictionary<string, string> { ["batch_size"] = "3" };
        using var lease = catalog.Acquire("batching", parameters);
        var workload = Scenarios.SmallBurst();

        var outcome = await sandbox!.RunAsync(
            new WorkerRequest
            {
                Workload = WorkerRequest.WorkloadJson(workload),
                KernelProfile = "v4.9",
                Policy = "batching",
                Parameters = parameters,
                Seed = 7,
                AssemblyHash = lease.AssemblyHash,
                PluginsDirectory = "",
            },
            workload.Name,
            lease.PluginFolders).WaitAsync(TestTimeout);

        Assert.That(catalog.List().Single(p => p.Id == "batching").Trust, Is.EqualTo(PolicyTrust.Sandboxed));
        Assert.That(catalog.ContextOf("batching")!.Target, Is.Null, "no load context in the host");
        Assert.That(lease.RequiresSandbox, Is.True);
        Assert.Throws<PluginHost.Containment.PolicyContainmentException>(() => lease.Policy.Configure(lease.Parameters));
        Assert.That(outcome.WorkerFailure, Is.Null);
        Assert.That(outcome.Result.Status, Is.EqualTo(RunStatus.Ok));
        Assert.That(outcome.Result.Batches, Is.EqualTo(7));
    }

    [Test]
    public void RunAsync_CancelledWhileThePluginSpins_WorkerKilledAndNothingLeftRunning()
    {
        using var sandbox = SandboxedWorkers.TryCreate(new SandboxOptions { WarmWorkers = 0, CpuSeconds = 600 }, out var reason);
        Assert.That(sandbox, Is.Not.Null, reason);
        using var cancel = new CancellationTokenSource();
        var workload = Scenarios.SmallBurst();
        var run = sandbox!.RunAsync(
            new WorkerRequest { Workload = WorkerRequest.WorkloadJson(workload), KernelProfile = "v4.9", Policy = "never-returns", PluginsDirectory = "" },
            workload.Name,
            new Dictionary<string, string> { ["misbehaving"] = Path.Combine(PluginFolder.TestPlugins, "misbehaving") },
            cancel.Token);
        SpinWait.SpinUntil(() => sandbox.Busy == 1, TestTimeout);

        cancel.Cancel();

        Assert.That(async () => await run.WaitAsync(TestTimeout), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(sandbox.Busy, Is.Zero);
    }
}
