using System.Text.Json;
using System.Text.Json.Serialization;
using Warranty.Grains.Domain;

namespace Warranty.Grains.Infrastructure;

/// <summary>
/// What a line keeps of the keyed requests it answered (<see cref="IdempotencyContext"/> carries the key to it):
/// how long, how many, and the stored response's JSON.
/// </summary>
public static class Idempotency
{
    /// <summary>API.md: keys expire after 24 hours.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>How many keyed requests a line remembers at most (the oldest are dropped first).</summary>
    public const int MaxRecords = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Json);

    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Json)!;

    /// <summary>The records with <paramref name="record"/> in place of any of the same key, less the expired ones.</summary>
    public static IReadOnlyList<IdempotencyRecord> Upsert(IReadOnlyList<IdempotencyRecord> records, IdempotencyRecord record, DateTimeOffset now) =>
        [.. records.Where(r => r.Key != record.Key && r.ExpiresAt > now).TakeLast(MaxRecords - 1), record];

    public static IReadOnlyList<IdempotencyRecord> Without(IReadOnlyList<IdempotencyRecord> records, string key) =>
        records.Where(r => r.Key != key).ToList();
}
