namespace Warranty.Grains.Interfaces;

/// <summary>One charge item of a billing run: what <c>GET /v1/lines/{lineId}/charges?month=</c> lists for that line.</summary>
public sealed record BillingItem(string LineId, ChargeItem Item);

/// <summary>
/// A correction of month <paramref name="Month"/> (<c>yyyy-MM</c>), which an earlier run already closed: an item a late,
/// back-dated change added to that month (a charge, or a fee now due) or took away (a fee no longer due: a negative
/// amount). It is billed by the run that closes with it.
/// </summary>
public sealed record BillingAdjustment(string LineId, string Month, ChargeItem Item);

/// <summary>
/// The end of a billing run of <paramref name="Month"/> (<c>yyyy-MM</c>): how many lines had items, how many items, their
/// total and the tax in it, then the adjustments to closed months and their total. <paramref name="Open"/>: the month
/// has not ended in Japan, so more items may come. <paramref name="Closed"/>: the month is closed (by this run or an
/// earlier one): what changes it from now on comes as adjustments in later runs.
/// <paramref name="ProjectedThrough"/> is the last event of the log the read model had applied when the run began;
/// <paramref name="EventsBehind"/> how many recorded events it had not applied yet (0: the run is complete).
/// </summary>
public sealed record BillingSummary(
    string Month,
    bool Open,
    bool Closed,
    int Lines,
    int Items,
    long TotalYen,
    long TaxYen,
    int Adjustments,
    long AdjustmentsYen,
    long ProjectedThrough,
    long EventsBehind);

/// <summary>The run's records in order: every item, line by line, then the adjustments, then one summary.</summary>
public sealed record BillingRecord(BillingItem? Item, BillingSummary? Summary, BillingAdjustment? Adjustment = null);

/// <summary>
/// How far the read model has got: <paramref name="Position"/> is the last event of the log it has applied (every
/// one before it too), <paramref name="LogEnd"/> the last event recorded, <paramref name="EventsBehind"/> the events
/// between, <paramref name="LagSeconds"/> how long ago the oldest of those was recorded (0 when none).
/// <paramref name="Owner"/> holds the lease: the one silo of the cluster that projects.
/// </summary>
public sealed record ProjectionStatus(long Position, long LogEnd, long EventsBehind, double LagSeconds, string? Owner, DateTimeOffset? LeaseUntil);

/// <summary>
/// The read side (issue 14): tables projected from the event log, for questions across all lines. Present when the
/// grains' store is SQLite or PostgreSQL; the memory store keeps no read model (<see cref="Available"/> is false).
/// </summary>
public interface IReadSide
{
    bool Available { get; }

    /// <summary>The billing run of <paramref name="year"/>-<paramref name="month"/>: every charge item of every line, in line order, then the summary.</summary>
    IAsyncEnumerable<BillingRecord> BillingRunAsync(int year, int month, CancellationToken cancellationToken = default);

    Task<ProjectionStatus> StatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Empties the read tables and starts the projection again from the log's first event.</summary>
    Task RebuildAsync(CancellationToken cancellationToken = default);

    /// <summary>Claims filed in the period by model, incident and outcome.</summary>
    Task<ClaimsReport> ClaimsReportAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default);

    /// <summary>Refused filings, quotes and registrations of the period by rule.</summary>
    Task<RefusalsReport> RefusalsReportAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default);

    /// <summary>Turnaround from filing to completion of the claims completed in the period, per service.</summary>
    Task<TurnaroundReport> TurnaroundReportAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default);

    /// <summary>Exchange stock movements of the period, per model.</summary>
    Task<StockReport> StockReportAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default);

    /// <summary>Active options and monthly fee revenue for each month from <paramref name="from"/> to <paramref name="to"/> (year, month).</summary>
    Task<FeesReport> FeesReportAsync((int Year, int Month) from, (int Year, int Month) to, CancellationToken cancellationToken = default);
}
