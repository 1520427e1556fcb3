namespace NetnsPolicy.PluginHost;

/// <summary>A plugin folder was refused; the message says why and what to do about it.</summary>
public sealed class PluginLoadException : Exception
{
    public PluginLoadException(string message)
        : base(message)
    {
    }

    public PluginLoadException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public PluginLoadException()
    {
    }
}
