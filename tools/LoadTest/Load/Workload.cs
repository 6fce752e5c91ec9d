using System.Globalization;
using System.Text;
using Warranty.LoadTest.Seeding;

namespace Warranty.LoadTest.Load;

public enum Distribution
{
    Uniform,
    Zipf,

    /// <summary>Each subscriber once in a random order (<see cref="OnceEachSampler"/>).</summary>
    Once,
}

/// <summary>What the next request is: an operation from the mix and a subscriber from the sampler, as an HTTP request.</summary>
public sealed class Workload(SeedManifest manifest, OperationMix mix, ISubscriberSampler sampler)
{
    public const string Incident = "screen_crack";

    public SeedManifest Manifest { get; } = manifest;

    public OperationMix Mix { get; } = mix;

    public ISubscriberSampler Sampler { get; } = sampler;

    public static Workload Create(SeedManifest manifest, OperationMix mix, Distribution distribution, double zipfExponent) =>
        new(manifest, mix, distribution switch
        {
            Distribution.Zipf => new ZipfSampler(manifest.Count, zipfExponent),
            Distribution.Once => new OnceEachSampler(manifest.Count),
            _ => new UniformSampler(manifest.Count),
        });

    public (Operation Operation, int Subscriber) Next(Random random) => (Mix.Pick(random.NextDouble()), Sampler.Sample(random.NextDouble()));

    public HttpRequestMessage CreateRequest(Operation operation, int subscriber, DateTimeOffset now) => operation switch
    {
        Operation.Coverage => new HttpRequestMessage(HttpMethod.Get, $"v1/devices/{Manifest.Imei(subscriber)}/coverage"),
        Operation.ReadLine => new HttpRequestMessage(HttpMethod.Get, $"v1/lines/{Manifest.LineId(subscriber)}"),
        Operation.ReadClaims => new HttpRequestMessage(HttpMethod.Get, $"v1/lines/{Manifest.LineId(subscriber)}/claims"),
        Operation.Usage => Post($"v1/lines/{Manifest.LineId(subscriber)}/usage",
            $$"""{"imei":"{{Manifest.Imei(subscriber)}}","at":"{{Seeder.Timestamp(now)}}"}"""),
        Operation.Claim => Post($"v1/lines/{Manifest.LineId(subscriber)}/claims",
            $$"""{"incident":"{{Incident}}","at":"{{Seeder.Timestamp(now)}}","loanerRequested":false}"""),
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    /// <summary>The withdrawal of claim <paramref name="claimId"/> of <paramref name="lineId"/> (<see cref="Operation.Withdraw"/>).</summary>
    public static HttpRequestMessage CreateWithdrawal(string lineId, string claimId, DateTimeOffset now) =>
        Post($"v1/lines/{lineId}/claims/{claimId}/withdrawal", $$"""{"at":"{{Seeder.Timestamp(now)}}"}""");

    private static HttpRequestMessage Post(string path, string json) =>
        new(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Manifest.Count:N0} subscribers ({Manifest.Prefix}), {(Sampler is ZipfSampler z ? $"zipf s={z.Exponent}" : "uniform")}, mix {Mix}");
}
