using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Warranty.Client;
using Warranty.Client.Models;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Api;

/// <summary>
/// Issue 11: a client generated from the OpenAPI document (Kiota, pinned in .config/dotnet-tools.json; the build
/// exports the document with <c>Warranty.Api openapi FILE</c> and generates <c>Warranty.Client</c> into obj/) drives
/// a whole exchange claim, as an integrating team would: no hand-written HTTP, no JSON by hand.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class GeneratedClientTests(ApiFactory factory)
{
    private static readonly TimeSpan Japan = TimeSpan.FromHours(9);

    private static DateTimeOffset At(int month, int day, int hour = 10) => new(2026, month, day, hour, 0, 0, Japan);

    /// <summary>The generated client, acting as <paramref name="role"/>, over the test host's pipeline.</summary>
    private WarrantyClient ClientAs(string role, string? lineId = null)
    {
        var tokens = new BaseBearerTokenAuthenticationProvider(new StaticToken(TestTokens.Create(role, lineId)));
        var http = factory.CreateClient();
        return new WarrantyClient(new HttpClientRequestAdapter(tokens, httpClient: http) { BaseUrl = http.BaseAddress!.ToString().TrimEnd('/') });
    }

    [Fact]
    public async Task A_generated_client_drives_a_claim_from_a_new_model_to_the_exchange_devices_charges()
    {
        var admin = ClientAs("admin");
        var client = ClientAs("operator");
        var network = ClientAs("network");

        // A model and its exchange stock; a line (service start 2026-04-20: coverage from 2026-05-01, COV-4).
        var tac = TestData.NewTac();
        var model = await admin.V1.Catalog.Models[tac].PutAsync(new PutModelRequest
        {
            Maker = "Acme", Model = "Acme Phone", Kind = DeviceKind.Android, ReleaseDate = new Date(2025, 6, 1),
            WifiOnly = false, SoldInJapan = true, HasGiteki = true, RepairableInJapan = true, ExchangeDesignated = true,
        });
        Assert.Equal(DeviceKind.Android, model!.Kind);
        var stock = await admin.V1.ExchangeStock[tac].PutAsync(new PutStockRequest { Quantity = 3 });
        Assert.Equal(3, stock!.Quantity);
        var lineId = TestData.NewLineId();
        var line = await client.V1.Lines.PostAsync(new CreateLineRequest
        {
            LineId = lineId, Plan = Plan.Giga, SimType = SimType.Esim, ServiceStartDate = new Date(2026, 4, 20), WarrantyOption = true,
        });
        Assert.Equal(new Date(2026, 5, 1), line!.Option!.CoverageStartDate);

        // The subscriber registers the device in its window (REG-2); the network sees it in use (COV-5).
        var imei = TestData.NewImei(tac);
        var subscriber = ClientAs("subscriber", lineId);
        var registered = await subscriber.V1.Lines[lineId].Device.PutAsync(new RegisterDeviceRequest
        {
            Imei = imei,
            At = At(4, 25),
            Declarations = new DeclarationsRequest
            {
                ConditionOk = true, OwnedBySubscriber = true, RentedOrLeased = false, BusinessUse = false,
                UnofficialRepairOrModification = false, ThirdPartyLostOrStolen = false, IllegallyUnlocked = false, CoveredByOtherWarranty = false,
            },
        });
        Assert.Equal(imei, registered!.Option!.CoveredImei);
        Assert.Equal(OptionStatus.Active, registered.Option.Status);
        await network.V1.Lines[lineId].Usage.PostAsync(new UsageRequest { Imei = imei, At = At(5, 20) });

        // A refusal arrives as the typed problem document, with its rule.
        var refused = await Assert.ThrowsAsync<ProblemDetails>(() => client.V1.Lines[lineId].Claims.PostAsync(new FileClaimRequest { Incident = Incident.Loss, At = At(6, 1) }));
        Assert.Equal(422, refused.ResponseStatusCode);
        Assert.Equal("claim_refused", refused.Code);
        Assert.Equal(["COV-1"], refused.Rules);

        // Quote, file, receive, inspect, ship, deliver.
        var quote = await client.V1.Lines[lineId].Claims.Quote.PostAsync(new QuoteRequest { Incident = Incident.ScreenCrack });
        Assert.True(quote!.Eligible);
        Assert.Equal(4400, quote.ExchangeFeeYen);
        var filed = await client.V1.Lines[lineId].Claims.PostAsync(new FileClaimRequest { Incident = Incident.ScreenCrack, At = At(6, 1), Note = "Dropped." });
        Assert.Equal(ClaimStatus.Received, filed!.Status);
        var claim = client.V1.Lines[lineId].Claims[filed.ClaimId!];
        var received = await claim.DeviceReceipt.PostAsync(new DeviceReceiptRequest
        {
            At = At(6, 2), ConsentFormEnclosed = true, SimAndSdRemoved = true, EsimErased = true, DataErased = true, ECertificateRevoked = true,
        });
        Assert.Equal(ClaimStatus.Inspecting, received!.Status);
        var inspected = await claim.Inspection.PostAsync(new InspectionRequest { At = At(6, 3), Outcome = InspectionOutcome.Exchange });
        Assert.Equal(ClaimStatus.ExchangePending, inspected!.Status);
        Assert.Equal(ClaimService.Exchange, inspected.Service);
        var replacement = TestData.NewImei(tac);
        var shipped = await claim.ExchangeShipment.PostAsync(new ExchangeShipmentRequest { At = At(6, 4), ReplacementImei = replacement });
        Assert.Equal(ClaimStatus.ExchangeShipped, shipped!.Status);
        var delivered = await claim.ExchangeDelivery.PostAsync(new StepRequest { At = At(6, 5) });
        Assert.Equal(ClaimStatus.Completed, delivered!.Status);
        Assert.Equal(replacement, delivered.ReplacementImei);

        // What it changed: the covered device, the stock, the month's charges, the history.
        var coverage = await client.V1.Devices[replacement].Coverage.GetAsync(r => r.QueryParameters.Date = new Date(2026, 6, 10));
        Assert.True(coverage!.Covered);
        Assert.Equal(1, coverage.ClaimsRemaining);
        Assert.Equal(8800, coverage.NextExchangeFeeYen);
        Assert.Equal(2, (await admin.V1.ExchangeStock[tac].GetAsync())!.Quantity);
        var charges = await client.V1.Lines[lineId].Charges.GetAsync(r => r.QueryParameters.Month = "2026-06");
        Assert.Equal(
            [(ChargeKind.MonthlyFee, 550), (ChargeKind.ExchangeFee, 4400), (ChargeKind.CodFee, 330)],
            charges!.Items!.Select(i => (i.Kind!.Value, i.AmountYen!.Value)).OrderBy(i => i.Item1));
        Assert.Equal(5280, charges.TotalYen);
        var history = await subscriber.V1.Lines[lineId].History.GetAsync();
        var delivery = Assert.Single(history!, e => e.ClaimExchangeDeliveredEntry is not null).ClaimExchangeDeliveredEntry!;
        Assert.Equal(replacement, delivery.Data!.ReplacementImei);
        Assert.Equal(1, delivery.Data.UseNumber);
        Assert.Equal(false, Assert.Single(history!, e => e.ClaimFiledEntry is not null).ClaimFiledEntry!.Data!.LoanerRequested);
    }

    [Fact]
    public async Task The_exported_document_the_client_is_generated_from_is_the_served_one_and_bad_usage_exits_2()
    {
        using var anonymous = factory.CreateClient();
        var served = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"));

        var (code, exported, _) = await ExportAsync("-");
        var (usage, _, error) = await ExportAsync();

        Assert.Equal(0, code);
        Assert.True(JsonNode.DeepEquals(served, JsonNode.Parse(exported)), "`openapi -` wrote another document than /openapi/v1.json serves");
        Assert.Equal(2, usage);
        Assert.Contains("usage: openapi FILE", error);
    }

    /// <summary>Runs <c>dotnet Warranty.Api.dll openapi …</c>: no port, no silo, no storage.</summary>
    private static Task<(int ExitCode, string Stdout, string Stderr)> ExportAsync(params string[] arguments) =>
        ServiceProcess.RunCommandAsync(new Dictionary<string, string>(), ["openapi", .. arguments]);

    private sealed class StaticToken(string token) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(token);
    }
}
