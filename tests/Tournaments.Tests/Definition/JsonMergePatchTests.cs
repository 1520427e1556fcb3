using System.Text.Json.Nodes;
using NetnsPolicy.Tournaments.Definition;

namespace NetnsPolicy.Tournaments.Tests.Definition;

[TestFixture]
public sealed class JsonMergePatchTests
{
    // RFC 7396 appendix A examples.
    [TestCase("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}")]
    [TestCase("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}")]
    [TestCase("{\"a\":\"b\"}", "{\"a\":null}", "{}")]
    [TestCase("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}")]
    [TestCase("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}")]
    [TestCase("[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]")]
    [TestCase("{\"a\":\"foo\"}", "\"bar\"", "\"bar\"")]
    [TestCase("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}")]
    public void Apply_RfcExamples_MatchSpecification(string target, string patch, string expected) =>
        Assert.That(JsonMergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch))!.ToJsonString(), Is.EqualTo(expected));
}
