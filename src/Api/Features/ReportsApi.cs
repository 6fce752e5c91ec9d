using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Warranty.Api.Http;
using Warranty.Api.Http.Auth;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Features;

/// <summary>
/// Operational reports (roles: admin, operator), read from the read model's tables (docs/reports.md), never from the
/// grains. Each answers for a period; those projected from the event log say how many events the read model had not
/// applied yet (<c>eventsBehind</c>).
/// </summary>
public static class ReportsApi
{
    /// <summary>The longest period a report takes, in days (dates) or months (the fees report).</summary>
    public const int MaxDays = 3660;

    public const int MaxMonths = 120;

    /// <summary>A period of Japan dates, both included: <c>?from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>.</summary>
    public sealed record Period(
        [property: FromQuery(Name = "from"), Required] string? From,
        [property: FromQuery(Name = "to"), Required] string? To) : RequestInput<(DateOnly From, DateOnly To)>
    {
        protected override (DateOnly From, DateOnly To) Read(FieldReader read)
        {
            var (from, to) = (read.Date(nameof(From), From), read.Date(nameof(To), To));
            if (from != default && to != default && (to < from || to.DayNumber - from.DayNumber >= MaxDays))
            {
                read.Error(nameof(To), $"Must be on or after from, at most {MaxDays} days in all.");
            }

            return (from, to);
        }
    }

    /// <summary>A period of months, both included: <c>?from=yyyy-MM&amp;to=yyyy-MM</c>.</summary>
    public sealed record MonthPeriod(
        [property: FromQuery(Name = "from"), Required] string? From,
        [property: FromQuery(Name = "to"), Required] string? To) : RequestInput<((int Year, int Month) From, (int Year, int Month) To)>
    {
        protected override ((int Year, int Month) From, (int Year, int Month) To) Read(FieldReader read)
        {
            var (from, to) = (read.Month(nameof(From), From), read.Month(nameof(To), To));
            var months = JapanTime.MonthIndex(to.Year, to.Month) - JapanTime.MonthIndex(from.Year, from.Month);
            if (from != default && to != default && (months < 0 || months >= MaxMonths))
            {
                read.Error(nameof(To), $"Must be the month of from or later, at most {MaxMonths} months in all.");
            }

            return (from, to);
        }
    }

    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/v1/reports").WithTags("Reports").RequireAccess(Policies.Operator).ReadRequests();
        reports.MapGet("/claims", ClaimsAsync)
            .WithName("getClaimsReport")
            .WithSummary("Claims by model, incident and outcome for a period")
            .WithDescription(
                "Counts the claims filed from `from` to `to` (Japan dates, both included) by their device's model (its TAC, and the " +
                "catalogue's model name that the last registration or stock movement in the log carried), incident and outcome: " +
                "`pending` (not inspected yet), `withdrawn`, or the " +
                "inspection's `repair`, `exchange` or `reject`. Rows come most claims first.")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict);
        reports.MapGet("/refusals", RefusalsAsync)
            .WithName("getRefusalsReport")
            .WithSummary("Refused filings, quotes and registrations by rule ID for a period")
            .WithDescription(
                "Counts the claim filings refused, the quotes answered ineligible and the device registrations refused on the days " +
                "from `from` to `to` (Japan dates), by the rule IDs they named (a refusal naming two rules counts once for each). " +
                "Silos add their counts every few seconds (Warranty:ReadModel:RefusalFlushInterval); a silo that crashes loses " +
                "its counts of those last seconds. Rows come most refusals first.")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict);
        reports.MapGet("/turnaround", TurnaroundAsync)
            .WithName("getTurnaroundReport")
            .WithSummary("Turnaround from filing to completion, p50 and p90 per service, for a period")
            .WithDescription(
                "For the claims completed from `from` to `to` (Japan dates): repairs (repair completed) and exchanges (exchange " +
                "device delivered), how many, and the hours from filing to completion: the median and the 90th percentile, " +
                "interpolated between the nearest ranks. A service with no completed claim in the period has no row.")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict);
        reports.MapGet("/stock", StockAsync)
            .WithName("getStockReport")
            .WithSummary("Exchange stock movements per model for a period (CLM-9)")
            .WithDescription(
                "For each designated model whose exchange stock moved from `from` to `to` (Japan dates): the units added by setting " +
                "its level (`restocked`), removed by setting it lower (`writtenOff`), taken for exchange shipments (`shipped`), " +
                "and its level after its last movement in the period (`quantity`), with the model's catalogue name as its movements " +
                "or registrations last carried it. In TAC order.")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict);
        reports.MapGet("/fees", FeesAsync)
            .WithName("getFeesReport")
            .WithSummary("Active options and monthly fee revenue per month (BIL-1..3)")
            .WithDescription(
                "For each month from `from` to `to` (yyyy-MM, both included, at most 120 months): the options in force in it (from " +
                "the service start month through the termination month), those charged for it (from the month after next of the " +
                "service start, through the termination month: BIL-2, BIL-3), and their monthly fees (BIL-1), tax included, with " +
                "the tax in them. Fees are what the billing run bills as the month's fees; adjustments to closed months are not in them.")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Results<Ok<ClaimsReport>, ProblemHttpResult>> ClaimsAsync([AsParameters] Period input, IReadSide reads, CancellationToken cancellationToken) =>
        reads.Available ? TypedResults.Ok(await reads.ClaimsReportAsync(input.Command.From, input.Command.To, cancellationToken)) : BillingApi.NoReadModel();

    public static async Task<Results<Ok<RefusalsReport>, ProblemHttpResult>> RefusalsAsync([AsParameters] Period input, IReadSide reads, CancellationToken cancellationToken) =>
        reads.Available ? TypedResults.Ok(await reads.RefusalsReportAsync(input.Command.From, input.Command.To, cancellationToken)) : BillingApi.NoReadModel();

    public static async Task<Results<Ok<TurnaroundReport>, ProblemHttpResult>> TurnaroundAsync([AsParameters] Period input, IReadSide reads, CancellationToken cancellationToken) =>
        reads.Available ? TypedResults.Ok(await reads.TurnaroundReportAsync(input.Command.From, input.Command.To, cancellationToken)) : BillingApi.NoReadModel();

    public static async Task<Results<Ok<StockReport>, ProblemHttpResult>> StockAsync([AsParameters] Period input, IReadSide reads, CancellationToken cancellationToken) =>
        reads.Available ? TypedResults.Ok(await reads.StockReportAsync(input.Command.From, input.Command.To, cancellationToken)) : BillingApi.NoReadModel();

    public static async Task<Results<Ok<FeesReport>, ProblemHttpResult>> FeesAsync([AsParameters] MonthPeriod input, IReadSide reads, CancellationToken cancellationToken) =>
        reads.Available ? TypedResults.Ok(await reads.FeesReportAsync(input.Command.From, input.Command.To, cancellationToken)) : BillingApi.NoReadModel();
}
