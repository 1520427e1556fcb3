namespace NetnsPolicy.Sdk;

/// <summary>Which uevent sockets a uevent visits.</summary>
public enum UeventDelivery
{
    /// <summary>Every netns's uevent socket, filtered late by <c>kobj_bcast_filter</c> (≤ 4.17): O(N) per uevent.</summary>
    AllSockets,

    /// <summary>Only the owning netns's socket (4.18, "netns: restrict uevents"): O(1) per uevent.</summary>
    OwningNetnsOnly,
}
