namespace NetnsPolicy.PluginHost.Loading;

/// <summary>
/// Runs plugin code the host must call outside a run (the constructor and <c>Descriptor</c>, to list a policy) on a
/// dedicated thread with a time limit, so a plugin that never returns cannot hang a catalog scan. A thread cannot be
/// aborted in .NET: on timeout it is abandoned (a background thread) and the plugin refused.
/// </summary>
internal static class BoundedCall
{
    public static T Run<T>(Func<T> call, TimeSpan limit, string what)
    {
        T? value = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                value = call();
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        {
            IsBackground = true,
            Name = "netns-policy plugin probe",
        };
        thread.Start();
        if (!thread.Join(limit))
        {
            throw new PluginLoadException($"{what} did not return within {limit.TotalSeconds:0.###} s");
        }

        if (error is not null)
        {
            throw new PluginLoadException($"{what} threw {error.GetType().Name}: {error.Message}", error);
        }

        return value!;
    }
}
