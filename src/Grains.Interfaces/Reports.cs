namespace Warranty.Grains.Interfaces;

/// <summary>What became of a claim, as the claims report counts it.</summary>
public enum ClaimOutcome
{
    /// <summary>Filed, not withdrawn and not inspected yet.</summary>
    Pending = 0,

    /// <summary>Withdrawn before its device was received.</summary>
    Withdrawn = 1,

    /// <summary>Inspected: to be repaired (CLM-2), done or not.</summary>
    Repair = 2,

    /// <summary>Inspected: to be exchanged (CLM-2, CLM-9), done or not.</summary>
    Exchange = 3,

    /// <summary>Inspected and rejected (CLM-8).</summary>
    Reject = 4,
}

/// <summary>A movement of an exchange stock (CLM-9).</summary>
public enum StockMovementKind
{
    /// <summary>An admin set the stock level (<c>PUT /v1/exchange-stock/{tac}</c>): a restock, or a write-off when lower.</summary>
    Set = 0,

    /// <summary>One unit taken for an exchange shipment.</summary>
    Shipment = 1,
}

/// <summary>The requests whose refusals the refusals report counts by rule.</summary>
public enum RefusedOperation
{
    /// <summary>A claim filing refused (CLM-*, COV-*).</summary>
    Filing = 0,

    /// <summary>A quote answered ineligible.</summary>
    Quote = 1,

    /// <summary>A device registration refused (REG-*).</summary>
    Registration = 2,
}

/// <summary>
/// Claims of one model (<paramref name="Tac"/>; <paramref name="Model"/>: the catalogue's name as the last registration or
/// stock movement in the log gave it, null when none did), incident and outcome.
/// </summary>
public sealed record ClaimsReportRow(string Tac, string? Model, Incident Incident, ClaimOutcome Outcome, long Claims);

/// <summary>
/// The claims filed from <paramref name="From"/> to <paramref name="To"/> (Japan dates, both included) by model, incident
/// and outcome, most claims first. <paramref name="EventsBehind"/>: events recorded that the read model had not applied
/// yet when the report was read (0: complete).
/// </summary>
public sealed record ClaimsReport(DateOnly From, DateOnly To, long Claims, IReadOnlyList<ClaimsReportRow> Rows, long EventsBehind);

/// <summary>Refusals of <paramref name="Operation"/> that named rule <paramref name="Rule"/> (a refusal naming two rules counts for each).</summary>
public sealed record RefusalsReportRow(RefusedOperation Operation, string Rule, long Refusals);

/// <summary>The refusals of the days from <paramref name="From"/> to <paramref name="To"/> (Japan dates) by operation and rule, most first.</summary>
public sealed record RefusalsReport(DateOnly From, DateOnly To, IReadOnlyList<RefusalsReportRow> Rows);

/// <summary>
/// The claims of one service completed in the period, and the time from filing to completion (repair completed,
/// exchange delivered), in hours: the median and the 90th percentile (linear interpolation between the nearest ranks).
/// </summary>
public sealed record TurnaroundRow(ClaimService Service, long Completed, double P50Hours, double P90Hours);

/// <summary>Turnaround of the claims completed from <paramref name="From"/> to <paramref name="To"/> (Japan dates), per service.</summary>
public sealed record TurnaroundReport(DateOnly From, DateOnly To, IReadOnlyList<TurnaroundRow> Rows, long EventsBehind);

/// <summary>
/// One model's exchange stock movements in the period: units added and removed by setting the level, units shipped,
/// and the level after its last movement in the period. <paramref name="Model"/> as in <see cref="ClaimsReportRow"/>: a
/// model nobody registered is named by its stock's movements.
/// </summary>
public sealed record StockReportRow(string Tac, string? Model, long Restocked, long WrittenOff, long Shipped, int Quantity);

/// <summary>Exchange stock movements from <paramref name="From"/> to <paramref name="To"/> (Japan dates), per model in TAC order.</summary>
public sealed record StockReport(DateOnly From, DateOnly To, IReadOnlyList<StockReportRow> Rows, long EventsBehind);

/// <summary>
/// One month (<c>yyyy-MM</c>): the options in force in it (from the service start month through the termination month),
/// those charged for it (BIL-2, BIL-3), and their fees (BIL-1): the monthly fee revenue, tax included, and the tax in it.
/// </summary>
public sealed record FeesReportRow(string Month, long ActiveOptions, long ChargedOptions, long FeeYen, long TaxYen);

/// <summary>Active options and monthly fee revenue for each month from <paramref name="From"/> to <paramref name="To"/> (<c>yyyy-MM</c>).</summary>
public sealed record FeesReport(string From, string To, IReadOnlyList<FeesReportRow> Rows, long EventsBehind);

/// <summary>A refusal count to add: <paramref name="Refusals"/> refusals on <paramref name="Day"/> of an operation naming a rule.</summary>
public sealed record RefusalCount(DateOnly Day, RefusedOperation Operation, string Rule, long Refusals);
