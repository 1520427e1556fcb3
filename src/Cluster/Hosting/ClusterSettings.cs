using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;

namespace NetnsPolicy.Cluster.Hosting;

/// <summary>
/// How a service process joins the cluster (docs/cluster.md): bound from the <c>Cluster</c> section of appsettings.json,
/// the environment (<c>NETNSPOLICY_Cluster__ConnectionString</c>) and <c>serve --cluster</c>.
/// </summary>
public sealed class ClusterSettings
{
    /// <summary>The configuration section these settings bind from.</summary>
    public const string SectionName = "Cluster";

    /// <summary>Orleans' cluster and service id: every silo of one cluster uses it.</summary>
    public const string ClusterId = "netns-policy";

    /// <summary>Npgsql connection string of the PostgreSQL database holding the membership table; empty: no cluster.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Port silos talk to each other on.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients connect to (the gateway).</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos reach this one at (published in the membership table); empty: the service's listen
    /// address when it is a single address, else this machine's first IPv4 address that is not loopback.
    /// </summary>
    public string AdvertisedAddress { get; set; } = "";

    /// <summary>This silo's name in the membership table and the metrics; empty: host name and silo port.</summary>
    public string SiloName { get; set; } = "";

    /// <summary>
    /// Orleans' probe period and timeout (<c>ClusterMembershipOptions.ProbeTimeout</c>). A silo that misses
    /// <see cref="MissedProbesLimit"/> probes is suspected; two votes declare it dead and its calls fail over.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Missed probes after which a silo votes another dead (<c>ClusterMembershipOptions.NumMissedProbesLimit</c>).</summary>
    [Range(1, 100)]
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>
    /// How often each silo looks in the store for runs and tournaments that are unfinished and held by no live process
    /// (their silo died) and takes them over through their grains; also once at start.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>True when a connection string is configured.</summary>
    public bool Enabled => ConnectionString.Length > 0;

    /// <summary>The advertised address resolved as documented on <see cref="AdvertisedAddress"/>.</summary>
    public IPAddress ResolveAdvertisedAddress(string listenAddress)
    {
        if (AdvertisedAddress.Length > 0)
        {
            return IPAddress.TryParse(AdvertisedAddress, out var configured)
                ? configured
                : throw new ArgumentException($"Cluster:AdvertisedAddress: '{AdvertisedAddress}' is not an IP address");
        }

        if (listenAddress is "localhost")
        {
            return IPAddress.Loopback;
        }

        if (IPAddress.TryParse(listenAddress, out var listen) && !listen.Equals(IPAddress.Any) && !listen.Equals(IPAddress.IPv6Any))
        {
            return listen;
        }

        return Dns.GetHostAddresses(Dns.GetHostName())
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? throw new ArgumentException("Cluster:AdvertisedAddress: this machine has no IPv4 address beyond loopback; set the address other silos reach it at");
    }
}
