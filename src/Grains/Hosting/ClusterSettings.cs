using System.Net;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Hosting;

/// <summary>
/// How fast the silos of a cluster find out that one of them died (section <c>Warranty:Cluster</c>), and where a
/// silo listens. Orleans' defaults are made for large clusters on busy networks; these decide faster while keeping
/// the two guards against declaring a live silo dead (several missed probes, and two silos agreeing). Measured
/// with <c>cluster/crash-test.sh</c> on one 2-core machine: 2.5–3.1 s from SIGKILL to right answers again, against
/// 5.8–6.8 s with Orleans' defaults (README, "Cluster").
/// </summary>
/// <remarks>
/// Failure detection: every silo probes the others every <see cref="ProbeTimeout"/> or so (Orleans adapts the
/// period to observed probe times between half and four times that value, and lengthens it while the prober
/// itself is starved of CPU). After <see cref="NumMissedProbesLimit"/> failed probes in a row it votes the silo
/// dead in the membership table; <see cref="NumVotesForDeathDeclaration"/> votes younger than
/// <see cref="DeathVoteExpirationTimeout"/> declare it dead, and gossip tells every silo at once. Calls to a
/// dead silo then fail at once and its grains are activated elsewhere on their next call. With the defaults the crash
/// test measures 2–3 s from SIGKILL to the service answering right again (a killed process refuses connections, so
/// its probes fail at once rather than time out); a silo that hangs without closing its port takes up to about
/// 3 × 2 s, more while Orleans stretches the timeout.
/// </remarks>
public sealed class ClusterSettings : ISettings
{
    public static string Section => "Warranty:Cluster";

    /// <summary>
    /// The initial liveness probe timeout and period (Orleans: 5 s). 2 s: probes on one machine or one LAN answer in
    /// milliseconds, so 2 s is still a thousand times a normal answer, and a GC pause or a starved scheduler on a
    /// busy 2-core machine fits in it; Orleans stretches it by itself while a silo is degraded. Below 1 s a
    /// silo's own hiccup would start to look like a peer's death.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Failed probes in a row before a silo suspects another (Orleans: 3). Kept at 3: one or two lost probes are
    /// a hiccup, not a death, and 3 × 2 s is still a short decision.
    /// </summary>
    public int NumMissedProbesLimit { get; set; } = 3;

    /// <summary>
    /// How many other silos each silo probes (Orleans: 10). 10: in clusters of up to 11 silos every silo watches
    /// every other, so when one dies all survivors vote at the same time and no second round of probes is needed
    /// to collect <see cref="NumVotesForDeathDeclaration"/> votes. Probes are cheap (one small message per period).
    /// </summary>
    public int NumProbedSilos { get; set; } = 10;

    /// <summary>
    /// Votes needed to declare a silo dead (Orleans: 2). Kept at 2: no single silo, which may be the sick one, can
    /// evict another on its own. Orleans needs fewer when the cluster has fewer live silos to vote.
    /// </summary>
    public int NumVotesForDeathDeclaration { get; set; } = 2;

    /// <summary>
    /// How long a vote counts (Orleans: 2 min). 30 s: the survivors' votes arrive within a probe period of each
    /// other, so 30 s leaves a wide margin, while old suspicions from passing hiccups (a vote that was never
    /// followed by a second) expire instead of adding up with an unrelated one minutes later.
    /// </summary>
    public TimeSpan DeathVoteExpirationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a silo writes its "I am alive" time to the membership table (Orleans: 30 s). 10 s: the table then
    /// shows a silo that stopped updating within 30 s (3 missed updates) instead of 90 s, which starting silos and
    /// operators use to tell stale entries; the cost is one small UPDATE per silo every 10 s. Failure detection
    /// itself uses probes, not this.
    /// </summary>
    public TimeSpan IAmAliveTablePublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a silo reads the whole membership table (Orleans: 60 s). 10 s: changes normally arrive by gossip
    /// at once; this bounds how long a silo that missed a gossip message works with an old view (one small SELECT
    /// per silo every 10 s).
    /// </summary>
    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The IP address the silo listens on and advertises to the cluster and its clients (silo and gateway ports).
    /// Unset: Orleans' choice, this machine's first non-loopback address (for silos on several machines). The
    /// local cluster (cluster/run.sh) and the tests set 127.0.0.1.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>Each broken rule, naming its setting.</summary>
    public IEnumerable<string> Problems()
    {
        (bool Broken, string Message)[] rules =
        [
            (ProbeTimeout < TimeSpan.FromSeconds(1), "Warranty:Cluster:ProbeTimeout must be at least 00:00:01."),
            (NumMissedProbesLimit < 2, "Warranty:Cluster:NumMissedProbesLimit must be at least 2."),
            (NumProbedSilos < 1, "Warranty:Cluster:NumProbedSilos must be at least 1."),
            (NumVotesForDeathDeclaration < 1 || NumVotesForDeathDeclaration > NumProbedSilos,
                "Warranty:Cluster:NumVotesForDeathDeclaration must be at least 1 and at most NumProbedSilos."),
            (DeathVoteExpirationTimeout < ProbeTimeout * NumMissedProbesLimit * 2,
                "Warranty:Cluster:DeathVoteExpirationTimeout must be at least twice ProbeTimeout × NumMissedProbesLimit, or votes expire before enough of them arrive."),
            (IAmAliveTablePublishTimeout < TimeSpan.FromSeconds(1), "Warranty:Cluster:IAmAliveTablePublishTimeout must be at least 00:00:01."),
            (TableRefreshTimeout < TimeSpan.FromSeconds(1), "Warranty:Cluster:TableRefreshTimeout must be at least 00:00:01."),
            (Address is not null && !IPAddress.TryParse(Address, out _), $"Warranty:Cluster:Address must be an IP address, not '{Address}'."),
        ];
        return rules.Where(r => r.Broken).Select(r => r.Message);
    }
}
