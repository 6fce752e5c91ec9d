using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.IntegrationTests.Infrastructure;

/// <summary>Fresh keys for every test, and the request bodies the tests send.</summary>
public static class TestData
{
    private static int _tac = Random.Shared.Next(10_000, 90_000) * 100;
    private static int _serial = Random.Shared.Next(100_000, 900_000);

    /// <summary>A TAC no other test uses in this run.</summary>
    public static string NewTac() => (Interlocked.Increment(ref _tac) % 100_000_000).ToString("00000000");

    /// <summary>A valid IMEI (REG-3) of <paramref name="tac"/> that no other test uses.</summary>
    public static string NewImei(string tac) => Imei.WithCheckDigit(tac + (Interlocked.Increment(ref _serial) % 1_000_000).ToString("000000"));

    public static string NewLineId(string prefix = "L") => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(32, prefix.Length + 1 + 24)];

    public static object Model(
        string kind = "android", string releaseDate = "2025-06-01", bool wifiOnly = false, bool soldInJapan = true,
        bool hasGiteki = true, bool repairableInJapan = true, bool exchangeDesignated = true, string model = "Acme Phone") => new
        {
            maker = "Acme",
            model,
            kind,
            releaseDate,
            wifiOnly,
            soldInJapan,
            hasGiteki,
            repairableInJapan,
            exchangeDesignated,
        };

    public static Dictionary<string, bool> CleanDeclarations() => new()
    {
        ["conditionOk"] = true,
        ["ownedBySubscriber"] = true,
        ["rentedOrLeased"] = false,
        ["businessUse"] = false,
        ["unofficialRepairOrModification"] = false,
        ["thirdPartyLostOrStolen"] = false,
        ["illegallyUnlocked"] = false,
        ["coveredByOtherWarranty"] = false,
    };

    public static object Line(string lineId, string serviceStartDate, bool warrantyOption = true, string plan = "giga") =>
        new { lineId, plan, simType = "physical", serviceStartDate, warrantyOption };

    public static object Registration(string imei, string? at = null, Dictionary<string, bool>? declarations = null) =>
        new { imei, at, declarations = declarations ?? CleanDeclarations() };

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Small helpers over <see cref="HttpClient"/> for JSON APIs.</summary>
public static class HttpJson
{
    public static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(this HttpClient http, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public static Task<(HttpStatusCode Status, JsonNode? Body)> GetJsonAsync(this HttpClient http, string path) => http.SendAsync(HttpMethod.Get, path);

    public static Task<(HttpStatusCode Status, JsonNode? Body)> PostJsonAsync(this HttpClient http, string path, object? body = null) => http.SendAsync(HttpMethod.Post, path, body ?? new { });

    public static Task<(HttpStatusCode Status, JsonNode? Body)> PutJsonAsync(this HttpClient http, string path, object body) => http.SendAsync(HttpMethod.Put, path, body);

    public static string[] Rules(this JsonNode? problem) => problem?["rules"]?.AsArray().Select(r => r!.GetValue<string>()).ToArray() ?? [];

    public static string? Code(this JsonNode? problem) => problem?["code"]?.GetValue<string>();

    public static string? Str(this JsonNode? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            node = node?[part];
        }

        return node?.GetValueKind() switch
        {
            null or JsonValueKind.Null => null,
            JsonValueKind.String => node.GetValue<string>(),
            _ => node.ToJsonString(),
        };
    }
}
