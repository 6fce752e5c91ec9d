using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Warranty.Api.Http;
using Warranty.Api.Http.Auth;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Features;

/// <summary>The monthly billing run and the read model's projection (role: admin), read from the read side, not the grains.</summary>
public static class BillingApi
{
    public const string CsvMediaType = "text/csv";

    /// <summary>The billing run's CSV columns, in order (docs/billing.md).</summary>
    public static readonly string[] CsvColumns =
        ["record", "month", "line_id", "kind", "claim_id", "date", "amount_yen", "tax_yen", "taxable", "lines", "items", "open", "closed", "adjustments", "adjustments_yen", "events_behind"];

    public sealed record BillingMonth([property: Microsoft.AspNetCore.Mvc.FromRoute(Name = "month")] string? Month) : RequestInput<(int Year, int Month)>
    {
        protected override (int Year, int Month) Read(FieldReader read) => read.Month(nameof(Month), Month);
    }

    public static IEndpointRouteBuilder MapBilling(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin").WithTags("Billing").RequireAccess(Policies.Admin).ReadRequests();
        admin.MapGet("/billing/{month}", RunAsync)
            .WithName("runBilling")
            .WithSummary("The monthly billing run: every line's charges of a month (BIL-1..4)")
            .WithDescription(
                "Streams every charge item of the month (yyyy-MM) for every line, in line order, each line's items as " +
                "GET /v1/lines/{lineId}/charges?month= lists them, then the adjustments of months closed earlier (items a late, " +
                "back-dated change added to them, or fees it took back), then one summary: lines, items, total yen, the tax in it, " +
                "the adjustments' count and total, whether the month is still open or closed, and how far the read model had got. " +
                "The first complete run of a month that has ended closes it: it bills its items and adjustments. `Accept: text/csv` gives CSV " +
                $"(columns {string.Join(", ", CsvColumns)}), anything else NDJSON (one BillingRunRecord per line). " +
                $"`{ErrorCodes.NoReadModel}` (409) with the memory store.")
            .Produces<BillingRunRecord>(StatusCodes.Status200OK, ImportApi.NdjsonMediaType, CsvMediaType)
            .Problems(StatusCodes.Status409Conflict);
        admin.MapGet("/projections", StatusAsync)
            .WithName("getProjection")
            .WithSummary("How far the read model has projected the event log")
            .Problems(StatusCodes.Status409Conflict);
        admin.MapPost("/projections/rebuild", RebuildAsync)
            .WithName("rebuildProjection")
            .WithSummary("Empty the read model and project the event log again from its start")
            .WithDescription("Answers 202 at once; the projection catches up in the background (GET /v1/admin/projections shows how far).")
            .Problems(StatusCodes.Status409Conflict);
        return app;
    }

    internal static ProblemHttpResult NoReadModel() =>
        TypedResults.Problem(Problems.Create(
            StatusCodes.Status409Conflict, ErrorCodes.NoReadModel, "The memory store keeps no read model: run the service with sqlite or postgres storage."));

    public static async Task<IResult> RunAsync([AsParameters] BillingMonth input, HttpContext http, IReadSide reads, IOptions<JsonOptions> json)
    {
        if (!reads.Available)
        {
            return NoReadModel();
        }

        var (year, month) = input.Command;
        var csv = WantsCsv(http.Request.Headers.Accept);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = csv ? $"{CsvMediaType}; charset=utf-8" : $"{ImportApi.NdjsonMediaType}; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await http.Response.StartAsync(http.RequestAborted);

        var options = json.Value.SerializerOptions;
        var body = http.Response.BodyWriter;
        var text = new StringBuilder();
        if (csv)
        {
            text.AppendJoin(',', CsvColumns).Append('\n');
        }

        try
        {
            await foreach (var record in reads.BillingRunAsync(year, month, http.RequestAborted))
            {
                var wire = BillingRunRecord.Of(record);
                if (csv)
                {
                    wire.AppendCsv(text);
                }
                else
                {
                    text.Append(JsonSerializer.Serialize(wire, options)).Append('\n');
                }

                if (text.Length >= 32 * 1024 || record.Summary is not null)
                {
                    await body.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), http.RequestAborted);
                    text.Clear();
                }
            }
        }
        catch (Exception) when (!http.RequestAborted.IsCancellationRequested)
        {
            // The summary was not written: make the response visibly incomplete rather than end it cleanly.
            http.Abort();
            throw;
        }

        return Results.Empty;
    }

    public static async Task<Results<Ok<ProjectionStatus>, ProblemHttpResult>> StatusAsync(IReadSide reads, CancellationToken cancellationToken) =>
        reads.Available ? TypedResults.Ok(await reads.StatusAsync(cancellationToken)) : NoReadModel();

    public static async Task<Results<Accepted<ProjectionStatus>, ProblemHttpResult>> RebuildAsync(IReadSide reads, CancellationToken cancellationToken)
    {
        if (!reads.Available)
        {
            return NoReadModel();
        }

        await reads.RebuildAsync(cancellationToken);
        return TypedResults.Accepted("/v1/admin/projections", await reads.StatusAsync(cancellationToken));
    }

    private static bool WantsCsv(IList<string> accept) =>
        MediaTypeHeaderValue.TryParseList(accept, out var types)
        && types.Any(t => t.MediaType.Equals(CsvMediaType, StringComparison.OrdinalIgnoreCase) && (!t.Quality.HasValue || t.Quality > 0));
}

/// <summary>The billing run's record types.</summary>
public enum BillingRecordType
{
    /// <summary>A charge item of one line.</summary>
    Item,

    /// <summary>A correction of a month an earlier run closed (<c>month</c>): an item added late, or a fee taken back (negative).</summary>
    Adjustment,

    /// <summary>The last record: the run's totals.</summary>
    Summary,
}

/// <summary>
/// One line of the billing run: an <c>item</c> (a line's charge item, the fields of the charges endpoint's items) or
/// the final <c>summary</c>. Fields that do not apply are left out.
/// </summary>
public sealed record BillingRunRecord(
    BillingRecordType Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LineId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ChargeKind? Kind = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClaimId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateOnly? Date = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? AmountYen = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? TaxYen = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Taxable = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Month = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Open = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Closed = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Lines = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Items = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? TotalYen = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Adjustments = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? AdjustmentsYen = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ProjectedThrough = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? EventsBehind = null)
{
    public static BillingRunRecord Of(BillingRecord record) => record switch
    {
        { Item: { } i } => new(BillingRecordType.Item, i.LineId, i.Item.Kind, i.Item.ClaimId, i.Item.Date, i.Item.AmountYen, i.Item.TaxYen, i.Item.Taxable),
        { Adjustment: { } a } => new(
            BillingRecordType.Adjustment, a.LineId, a.Item.Kind, a.Item.ClaimId, a.Item.Date, a.Item.AmountYen, a.Item.TaxYen, a.Item.Taxable, a.Month),
        { Summary: { } s } => new(
            BillingRecordType.Summary,
            TaxYen: s.TaxYen,
            Month: s.Month,
            Open: s.Open,
            Closed: s.Closed,
            Lines: s.Lines,
            Items: s.Items,
            TotalYen: s.TotalYen,
            Adjustments: s.Adjustments,
            AdjustmentsYen: s.AdjustmentsYen,
            ProjectedThrough: s.ProjectedThrough,
            EventsBehind: s.EventsBehind),
        _ => throw new ArgumentException("A billing record is an item or a summary.", nameof(record)),
    };

    /// <summary>This record as a row of <see cref="BillingApi.CsvColumns"/> (no value needs quoting: ids are [A-Za-z0-9-]).</summary>
    public void AppendCsv(StringBuilder row)
    {
        var c = CultureInfo.InvariantCulture;
        row.AppendJoin(',', [
            WireNames.Of(Type),
            Month ?? "",
            LineId ?? "",
            Kind is { } kind ? WireNames.Of(kind) : "",
            ClaimId ?? "",
            Date?.ToString("yyyy-MM-dd", c) ?? "",
            (AmountYen?.ToString(c) ?? TotalYen?.ToString(c)) ?? "",
            TaxYen?.ToString(c) ?? "",
            Taxable is { } taxable ? (taxable ? "true" : "false") : "",
            Lines?.ToString(c) ?? "",
            Items?.ToString(c) ?? "",
            Open is { } open ? (open ? "true" : "false") : "",
            Closed is { } closed ? (closed ? "true" : "false") : "",
            Adjustments?.ToString(c) ?? "",
            AdjustmentsYen?.ToString(c) ?? "",
            EventsBehind?.ToString(c) ?? ""]).Append('\n');
    }
}
