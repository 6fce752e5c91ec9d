namespace Warranty.Grains.Interfaces;

/// <summary>
/// The rules take "now" from a keyed <see cref="TimeProvider"/> of their own, so a test can set the
/// business date without touching the clock Orleans itself runs on (membership, timers).
/// Inject it as <c>[FromKeyedServices(RulesClock.Key)] TimeProvider time</c>.
/// </summary>
public static class RulesClock
{
    public const string Key = "warranty-rules";
}
