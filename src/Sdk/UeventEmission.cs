namespace NetnsPolicy.Sdk;

/// <summary>Whether a kobject event is sent.</summary>
public enum UeventEmission
{
    /// <summary>Send the uevent (<c>kobject_uevent</c>).</summary>
    Send,

    /// <summary>Suppress it (<c>dev_set_uevent_suppress</c>). Allowed only for devices whose own netns is dying.</summary>
    Suppress,
}
