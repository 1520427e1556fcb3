namespace NetnsPolicy.Sdk;

/// <summary>Version of the policy SDK. Plugins built against another major version are refused by the host.</summary>
public static class SdkInfo
{
    /// <summary>The SDK's semantic version.</summary>
    public static Version Version { get; } = new(1, 0, 0);

    /// <summary>The major version, the compatibility contract between a plugin and the host.</summary>
    public static int Major => Version.Major;
}
