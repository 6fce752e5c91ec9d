using Microsoft.Extensions.Time.Testing;
using Warranty.Api.Http;
using Warranty.Api.Import;
using Warranty.Grains.Interfaces;
using static Warranty.Api.Features.CatalogApi;
using static Warranty.Api.Features.ClaimsApi;
using static Warranty.Api.Features.DevicesApi;
using static Warranty.Api.Features.LinesApi;

namespace Warranty.UnitTests;

/// <summary>
/// Request inputs read themselves into what their handlers send (API.md): one 400 names every bad field, in the order
/// the fields are read; then a malformed IMEI (REG-3); then a future timestamp. The eight declarations have one reader,
/// shared by <c>PUT …/device</c> and the bulk import.
/// </summary>
public sealed class RequestReadingTests
{
    private const string Imei = "350000001234562";
    private const string Required = "The field is required.";

    private static readonly string[] DeclarationNames =
    [
        "conditionOk", "ownedBySubscriber", "rentedOrLeased", "businessUse",
        "unofficialRepairOrModification", "thirdPartyLostOrStolen", "illegallyUnlocked", "coveredByOtherWarranty",
    ];

    /// <summary>12:00 in Japan on 2026-06-15.</summary>
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 15, 3, 0, 0, TimeSpan.Zero));

    private RequestReader Reader() => new(_clock);

    private (bool Read, RequestReader Reader) Read(RequestInput input)
    {
        var reader = Reader();
        input.ReadInto(reader);
        return (!reader.Failed, reader);
    }

    private static IReadOnlyDictionary<string, string[]> Errors(RequestReader reader) =>
        reader.Problem() is { Code: ErrorCodes.InvalidRequest, Errors: { } errors } ? errors : throw new Xunit.Sdk.XunitException($"Not invalid_request: {reader.Problem()}");

    private static DeclarationsRequest Declared(params bool?[] values) =>
        new(values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7]);

    [Fact]
    public void A_valid_body_reads_into_its_command()
    {
        var body = new CreateLineRequest("L-1", "giga", "esim", "2026-06-10", true, "2026-06-15T11:00:00+09:00");

        Assert.True(body.TryRead(Reader()));

        Assert.Equal(("L-1", new CreateLineCommand(Plan.Giga, SimType.Esim, new DateOnly(2026, 6, 10), true), new DateTimeOffset(2026, 6, 15, 11, 0, 0, JapanTime.Offset)), body.Command);
    }

    [Fact]
    public void Every_bad_field_is_named_once_in_the_order_fields_are_read()
    {
        var (read, reader) = Read(new CreateLineRequest("bad id", null, "esim", "2026-13-01", null, "yesterday"));

        Assert.False(read);
        var errors = Errors(reader);
        Assert.Equal(["lineId", "plan", "serviceStartDate", "warrantyOption", "at"], errors.Keys);
        Assert.Equal([Required], errors["plan"]);
        Assert.Equal(["Must be a date as yyyy-MM-dd."], errors["serviceStartDate"]);
    }

    [Fact]
    public void A_claim_steps_own_fields_come_before_its_at()
    {
        var (_, reader) = Read(new DeviceReceiptRequest("soon", null, true, true, true, null));

        Assert.Equal(["consentFormEnclosed", "eCertificateRevoked", "at"], Errors(reader).Keys);
    }

    [Fact]
    public void Field_errors_win_over_a_bad_imei_which_wins_over_a_future_timestamp()
    {
        var future = "2026-06-15T12:06:00+09:00";

        Assert.Equal(ErrorCodes.TimestampInFuture, Read(new UsageRequest(Imei, future)).Reader.Problem().Code);
        Assert.Equal(ErrorCodes.InvalidImei, Read(new UsageRequest("350000001234563", future)).Reader.Problem().Code);
        Assert.Equal(ErrorCodes.InvalidRequest, Read(new UsageRequest("350000001234563", "not a time")).Reader.Problem().Code);
        Assert.True(Read(new UsageRequest(Imei, "2026-06-15T12:04:00+09:00")).Read);
    }

    [Fact]
    public void A_missing_optional_timestamp_is_now_in_japan()
    {
        var body = new StepRequest(null);

        Assert.True(body.TryRead(Reader()));

        Assert.Equal(new DateTimeOffset(2026, 6, 15, 12, 0, 0, JapanTime.Offset), body.Command);
        Assert.Equal(JapanTime.Offset, body.Command.Offset);
    }

    [Fact]
    public void Missing_declarations_are_one_error_not_nine()
    {
        var (read, reader) = Read(new RegisterDeviceRequest(Imei, null, null));

        Assert.False(read);
        Assert.Equal(["declarations"], Errors(reader).Keys);
        Assert.Equal([Required], Errors(reader)["declarations"]);
    }

    [Fact]
    public void Each_missing_declaration_is_named_under_the_object()
    {
        var (_, reader) = Read(new RegisterDeviceRequest(Imei, null, Declared(true, null, false, null, false, false, false, null)));

        Assert.Equal(["declarations.ownedBySubscriber", "declarations.businessUse", "declarations.coveredByOtherWarranty"], Errors(reader).Keys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void Each_declaration_reads_into_its_own_field_for_registration_and_import_alike(int which)
    {
        var values = Enumerable.Range(0, 8).Select(i => (bool?)(i == which)).ToArray();
        var expected = (Declarations)Activator.CreateInstance(typeof(Declarations), values.Cast<object>().ToArray())!;
        var registration = new RegisterDeviceRequest(Imei, null, Declared(values));
        var import = new ImportRecord("L-1", "giga", "esim", "2026-06-10", true, new ImportDevice(Imei, "2026-06-11T10:00:00+09:00", Declared(values)));

        Assert.True(registration.TryRead(Reader()));
        Assert.True(import.TryRead(Reader()));

        Assert.Equal(new RegisterDeviceCommand(Imei, expected), registration.Command.Command);
        Assert.Equal(new ImportDeviceWork(Imei, new DateTimeOffset(2026, 6, 11, 10, 0, 0, JapanTime.Offset), expected), import.Command.Device);
    }

    [Fact]
    public void An_import_records_device_fields_are_named_under_device()
    {
        var record = new ImportRecord("L-1", "giga", "esim", "2026-06-10", true, new ImportDevice(null, null, Declared(true, true, null, false, false, false, false, false)));

        var (read, reader) = Read(record);

        Assert.False(read);
        Assert.Equal(["device.imei", "device.registeredAt", "device.declarations.rentedOrLeased"], Errors(reader).Keys);
        Assert.All(Errors(reader).Values, messages => Assert.Equal([Required], messages));
    }

    [Fact]
    public void An_import_record_without_a_device_reads_as_a_line_alone()
    {
        var record = new ImportRecord("L-1", "legacy", "physical", "2026-06-10", false);

        Assert.True(record.TryRead(Reader()));

        Assert.Equal(("L-1", new CreateLineCommand(Plan.Legacy, SimType.Physical, new DateOnly(2026, 6, 10), false), (ImportDeviceWork?)null), record.Command);
    }

    [Fact]
    public void An_import_record_names_its_line_fields_as_the_endpoint_does()
    {
        var (_, reader) = Read(new ImportRecord(null, "gold", null, null, null));

        Assert.Equal(["lineId", "plan", "simType", "serviceStartDate", "warrantyOption"], Errors(reader).Keys);
        Assert.Equal(["Must be one of: giga, legacy."], Errors(reader)["plan"]);
        Assert.Equal(["A line id is 1–32 characters of A–Z, a–z, 0–9 and '-'."], Errors(reader)["lineId"]);
    }

    [Fact]
    public void Optional_fields_read_as_absent_and_required_text_must_not_be_blank()
    {
        var claim = new FileClaimRequest("screen_crack", null, null, null);
        Assert.True(claim.TryRead(Reader()));
        Assert.Equal(new FileClaimCommand(Incident.ScreenCrack, false, null), claim.Command.Command);

        var blankNote = new FileClaimRequest("screen_crack", null, true, "   ");
        Assert.True(blankNote.TryRead(Reader()));
        Assert.Equal(new FileClaimCommand(Incident.ScreenCrack, true, "   "), blankNote.Command.Command);

        var (_, reader) = Read(new PutModelRequest("   ", new string('m', 201), "android", "2025-06-01", false, true, true, true, true));
        Assert.Equal([Required], Errors(reader)["maker"]);
        Assert.Equal(["At most 200 characters."], Errors(reader)["model"]);
        Assert.Equal(["At most 1000 characters."], Errors(Read(new FileClaimRequest("screen_crack", null, null, new string('n', 1001))).Reader)["note"]);
    }

    [Fact]
    public void Amounts_and_counts_are_whole_numbers_from_zero()
    {
        Assert.Equal(["Must be a whole number of yen from 0."], Errors(Read(new RepairCompletionRequest(null, -1, null)).Reader)["repairCostYen"]);
        Assert.Equal([Required], Errors(Read(new RepairCompletionRequest(null, null, null)).Reader)["repairCostYen"]);
        Assert.Equal(["Must be a whole number from 0."], Errors(Read(new PutStockRequest(int.MaxValue + 1L)).Reader)["quantity"]);
        Assert.Equal(["Must be a whole number of yen from 0."], Errors(Read(new QuoteRequest("screen_crack", null, -5)).Reader)["estimatedRepairCostYen"]);

        var quote = new QuoteRequest("screen_crack", null);
        Assert.True(quote.TryRead(Reader()));
        Assert.Null(quote.Command.EstimatedRepairCostYen);

        var stock = new PutStockRequest(int.MaxValue);
        Assert.True(stock.TryRead(Reader()));
        Assert.Equal(int.MaxValue, stock.Command);
    }

    [Fact]
    public void A_reject_needs_a_reason_and_other_outcomes_drop_it()
    {
        Assert.Equal(["Required when the outcome is reject."], Errors(Read(new InspectionRequest(null, "reject", null)).Reader)["reason"]);
        Assert.Equal(["outcome"], Errors(Read(new InspectionRequest(null, null, null)).Reader).Keys);

        var repair = new InspectionRequest(null, "repair", "not_covered");
        Assert.True(repair.TryRead(Reader()));
        Assert.Equal(new ClaimStep(ClaimStepKind.Inspection, Outcome: InspectionOutcome.Repair), repair.Command.Step);

        var reject = new InspectionRequest(null, "reject", "not_covered");
        Assert.True(reject.TryRead(Reader()));
        Assert.Equal(new ClaimStep(ClaimStepKind.Inspection, Outcome: InspectionOutcome.Reject, Reason: RejectReason.NotCovered), reject.Command.Step);
    }

    [Fact]
    public void A_month_is_read_from_its_query()
    {
        Assert.Equal(["The parameter is required (yyyy-MM)."], Errors(Read(new MonthQuery(null)).Reader)["month"]);
        Assert.Equal(["Must be a month as yyyy-MM."], Errors(Read(new MonthQuery("2026-13")).Reader)["month"]);

        var month = new MonthQuery("2026-07");
        Assert.True(month.TryRead(Reader()));
        Assert.Equal((2026, 7), month.Command);
    }
}
