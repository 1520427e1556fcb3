namespace NetnsPolicy.Sdk;

/// <summary>How setup and cleanup take the setup lock.</summary>
public enum LockMode
{
    /// <summary><c>mutex_lock(&amp;net_mutex)</c> on both paths (≤ 4.17): setup waits for a whole teardown batch.</summary>
    Exclusive,

    /// <summary><c>down_read(&amp;pernet_ops_rwsem)</c> on both paths (4.18, merge 885842d89a9b): they run in parallel.</summary>
    Shared,
}
