namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// A net's device list inside its <see cref="NetSlot"/>: the count and the first two device indices; the entries past
/// two are in the table's overflow arrays (<see cref="NetDeviceList"/> reads and changes it).
/// </summary>
internal struct DeviceListSlot
{
    public int Count;
    public int D0;
    public int D1;
}
