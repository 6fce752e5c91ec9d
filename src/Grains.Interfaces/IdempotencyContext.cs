namespace Warranty.Grains.Interfaces;

/// <summary>
/// How an Idempotency-Key travels from the front door to the grain that answers it: in Orleans' RequestContext,
/// with a fingerprint of the request (method, path, body) so that a reused key with another request is caught.
/// </summary>
public static class IdempotencyContext
{
    public const string KeyName = "warranty.idempotency.key";
    public const string FingerprintName = "warranty.idempotency.fingerprint";

    /// <summary>The keyed request the current call serves, if any.</summary>
    public static (string Key, string Fingerprint)? Current =>
        RequestContext.Get(KeyName) is string key && RequestContext.Get(FingerprintName) is string fingerprint ? (key, fingerprint) : null;

    /// <summary>Makes the calls that follow, on this flow, serve the keyed request <paramref name="key"/>.</summary>
    public static void Set(string key, string fingerprint)
    {
        RequestContext.Set(KeyName, key);
        RequestContext.Set(FingerprintName, fingerprint);
    }

    /// <summary>The calls that follow serve no keyed request.</summary>
    public static void Clear()
    {
        RequestContext.Remove(KeyName);
        RequestContext.Remove(FingerprintName);
    }
}
