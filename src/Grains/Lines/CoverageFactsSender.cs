using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Lines;

/// <summary>
/// Keeps the line's devices up to date with the facts their coverage lookups answer from
/// (<see cref="CoverageRules.FactsOf"/>), so that a lookup is answered by the device grain alone. The devices keep
/// them in memory only; this remembers what each was last sent, and sends only what changed.
/// </summary>
internal sealed class CoverageFactsSender(IGrainFactory grains)
{
    /// <summary>Until delivered, an entry is a placeholder that never equals the facts: the next write sends again.</summary>
    private static readonly CoverageFacts Undelivered = new("", false, default, null, false, default, default, [], [], [], []);

    /// <summary>The coverage facts last sent to each device grain by this activation, and those not delivered.</summary>
    private readonly Dictionary<string, CoverageFacts> _sent = new(StringComparer.Ordinal);

    /// <summary>
    /// Sends the facts of <paramref name="line"/> (as just stored) to every device it covered, the devices covered
    /// before (<paramref name="before"/>) and after the write, and those sent before: before the write's request is
    /// answered, so a lookup after that answer sees this write.
    /// </summary>
    public async Task SendAsync(LineState line, string? before)
    {
        var periods = (line.Option?.Periods ?? []).Select(p => p.Device.Imei);
        foreach (var imei in _sent.Keys.Concat(periods).Concat([before, line.Option?.Device?.Imei]).OfType<string>().Distinct().ToList())
        {
            var facts = CoverageRules.FactsOf(line, imei);
            if (_sent.TryGetValue(imei, out var sent) && CoverageRules.SameFacts(sent, facts))
            {
                continue;
            }

            _sent[imei] = Undelivered;
            await grains.GetGrain<IDeviceGrain>(imei).UpdateCoverageFactsAsync(facts);
            _sent[imei] = facts;
        }
    }
}
