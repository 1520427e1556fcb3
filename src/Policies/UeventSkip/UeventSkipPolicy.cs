using NetnsPolicy.Sdk;

namespace NetnsPolicy.Policies.UeventSkip;

/// <summary>
/// Biederman's point in the seed thread: nobody can listen to a dying netns's uevents (a listener would hold a
/// reference and keep it alive), so the KOBJ_REMOVE uevents of its devices can be suppressed — in 4.9 each costs a
/// visit to every netns's uevent socket. Only for devices whose own netns is dying: a veth peer in a live netns must
/// still announce its removal (the uevent oracle checks it).
/// </summary>
public sealed class UeventSkipPolicy : ICleanupPolicy
{
    public PolicyDescriptor Descriptor { get; } = new(
        "uevent-skip",
        new Version(1, 0, 0),
        "Suppresses the uevents of devices whose own netns is dying (nobody can listen there); devices of live nets still announce.",
        DecisionPoint.UeventEmission);

    public UeventEmission ChooseUeventEmission(in UeventContext context) =>
        context.OwnerNetDying ? UeventEmission.Suppress : context.EmissionDefault;
}
