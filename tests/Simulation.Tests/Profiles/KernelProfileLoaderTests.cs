using System.Text.Json.Nodes;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Tests.Profiles;

[TestFixture]
public sealed class KernelProfileLoaderTests
{
    [Test]
    public void Load_V49_HasTheSeedsExpensiveOpsInRegistrationOrder()
    {
        var p = KernelProfileLoader.Load("v4.9");
        var names = p.PernetOps.Select(o => o.Name).ToList();
        Assert.That(names, Does.Contain("rpcsec_gss_exit_net").And.Contain("tcp_net_metrics_exit").And.Contain("uevent_net_exit"));
        Assert.That(names.IndexOf("default_device_exit"), Is.GreaterThan(names.IndexOf("rpcsec_gss_exit_net")), "device ops are registered after subsystems");
        Assert.That(p.Sources, Is.Not.Empty);
    }

    [Test]
    public void Load_UnknownProfile_NamesTheField()
    {
        var e = Assert.Throws<InputValidationException>(() => KernelProfileLoader.Load("v9.99"))!;
        Assert.That(e.Errors[0].Field, Is.EqualTo("machine.kernel_profile"));
        Assert.That(e.Message, Does.Contain("v4.9"));
    }

    [TestCase("structure.setup_lock", "\"sometimes\"", "structure.setup_lock")]
    [TestCase("memory.net_base_bytes", "0", "memory.net_base_bytes")]
    [TestCase("costs.uevent_env_ns", "-5", "costs.uevent_env_ns")]
    [TestCase("rcu.expedited_qs_defer_probability", "1.5", "rcu.expedited_qs_defer_probability")]
    public void Parse_BadField_NamesIt(string path, string value, string field)
    {
        var node = JsonNode.Parse(KernelProfileLoader.ReadBuiltIn("v4.9")!, documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        var parts = path.Split('.');
        node[parts[0]]![parts[1]] = JsonNode.Parse(value);
        var e = Assert.Throws<InputValidationException>(() => KernelProfileLoader.Parse(node.ToJsonString()))!;
        Assert.That(e.Errors.Select(x => x.Field), Does.Contain(field));
    }

    [Test]
    public void Parse_DuplicateOp_IsRejected()
    {
        var node = JsonNode.Parse(KernelProfileLoader.ReadBuiltIn("v4.9")!, documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        var ops = node["pernet_ops"]!.AsArray();
        ops.Add(ops[1]!.DeepClone());
        var e = Assert.Throws<InputValidationException>(() => KernelProfileLoader.Parse(node.ToJsonString()))!;
        Assert.That(e.Message, Does.Contain("listed twice"));
    }
}
