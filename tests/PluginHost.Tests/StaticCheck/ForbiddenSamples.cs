namespace NetnsPolicy.PluginHost.Tests.StaticCheck;

/// <summary>Code the static check must flag (or pass), inspected from this test assembly's own metadata.</summary>
internal static class ForbiddenSamples
{
    public static int UnseededRandom() => new Random().Next();

    public static int SharedRandom() => Random.Shared.Next();

    public static int SeededRandom() => new Random(42).Next();

    public static IEnumerable<int> Iterator()
    {
        yield return 1;
    }
}
