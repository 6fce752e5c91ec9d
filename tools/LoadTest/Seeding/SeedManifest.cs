using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warranty.LoadTest.Seeding;

/// <summary>
/// What <c>seed</c> created and how to name it again: subscriber <c>i</c> (0 ≤ i &lt; <see cref="Count"/>) has
/// line <c>{Prefix}-{i:D8}</c> and IMEI <c>Imei.WithCheckDigit(Tacs[i % Tacs.Count] + (i / Tacs.Count):D6)</c>.
/// <c>run</c> reads it back and derives every key from it.
/// </summary>
public sealed record SeedManifest(
    string Prefix,
    int Count,
    IReadOnlyList<string> Tacs,
    DateOnly ServiceStartDate,
    string LineIdFormat,
    string ImeiDerivation,
    string Url,
    DateTimeOffset SeededAt)
{
    public const string DefaultPath = "loadtest-seed.json";

    public const string LineIdPattern = "{prefix}-{i:D8}";

    public const string ImeiPattern = "Imei.WithCheckDigit(tacs[i % tacs.length] + (i / tacs.length):D6)";

    /// <summary>One TAC holds a million 6-digit serials.</summary>
    public const int SerialsPerTac = 1_000_000;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static int Capacity(int tacCount) => tacCount * SerialsPerTac;

    public string LineId(int i) => SubscriberKeys.LineId(Prefix, i);

    public string Imei(int i) => SubscriberKeys.Imei(Tacs, i);

    public async Task WriteAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        await using (var stream = File.Create(temp))
        {
            await JsonSerializer.SerializeAsync(stream, this, Json, cancellationToken);
        }

        File.Move(temp, full, overwrite: true);
    }

    public static async Task<SeedManifest> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Seed manifest '{path}' not found: run `seed` first (it writes {DefaultPath} unless --manifest says otherwise).", path);
        }

        await using var stream = File.OpenRead(path);
        var manifest = await JsonSerializer.DeserializeAsync<SeedManifest>(stream, Json, cancellationToken)
            ?? throw new InvalidDataException($"Seed manifest '{path}' is empty.");
        if (manifest.Count <= 0 || manifest.Tacs is not { Count: > 0 } || manifest.Tacs.Any(t => !Warranty.Grains.Interfaces.Imei.IsValidTac(t))
            || string.IsNullOrEmpty(manifest.Prefix) || manifest.Count > Capacity(manifest.Tacs.Count))
        {
            throw new InvalidDataException($"Seed manifest '{path}' is not valid (prefix, count and 8-digit TACs are required).");
        }

        return manifest;
    }
}

/// <summary>The deterministic keys of subscriber <c>i</c>.</summary>
public static class SubscriberKeys
{
    public const int MaxPrefixLength = 23; // line ids are at most 32 characters: prefix + '-' + 8 digits

    public static string LineId(string prefix, int i) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i:D8}");

    public static string Imei(IReadOnlyList<string> tacs, int i)
    {
        var tac = tacs[i % tacs.Count];
        var serial = i / tacs.Count;
        return Warranty.Grains.Interfaces.Imei.WithCheckDigit(string.Create(CultureInfo.InvariantCulture, $"{tac}{serial:D6}"));
    }

    /// <summary>
    /// <paramref name="count"/> TACs of one prefix: "35", four digits from a stable hash of the prefix, then the
    /// model number, so that seeds of different prefixes on one service do not share IMEIs.
    /// </summary>
    public static IReadOnlyList<string> Tacs(string prefix, int count)
    {
        var block = Fnv1a(prefix) % 10_000;
        return Enumerable.Range(0, count).Select(m => string.Create(CultureInfo.InvariantCulture, $"35{block:D4}{m:D2}")).ToArray();
    }

    public static bool IsValidPrefix(string prefix) =>
        prefix.Length is > 0 and <= MaxPrefixLength && prefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return hash;
    }
}
