namespace NetnsPolicy.Sdk;

/// <summary>
/// Version of the policy SDK. The host loads plugins built against its own major and any earlier-or-equal minor of it;
/// a plugin built against a later minor or another major is refused.
/// </summary>
public static class SdkInfo
{
    /// <summary>The SDK's semantic version (major.minor.patch of this assembly's version).</summary>
    public static Version Version { get; } = FromAssembly();

    /// <summary>The major version, the compatibility contract between a plugin and the host.</summary>
    public static int Major => Version.Major;

    private static Version FromAssembly()
    {
        var v = typeof(SdkInfo).Assembly.GetName().Version!;
        return new Version(v.Major, v.Minor, Math.Max(v.Build, 0));
    }
}
