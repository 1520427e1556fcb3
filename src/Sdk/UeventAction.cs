namespace NetnsPolicy.Sdk;

/// <summary>The uevent action.</summary>
public enum UeventAction
{
    /// <summary><c>KOBJ_ADD</c>: a kobject was registered (device creation).</summary>
    Add,

    /// <summary><c>KOBJ_REMOVE</c>: a kobject was removed (device unregistration).</summary>
    Remove,
}
