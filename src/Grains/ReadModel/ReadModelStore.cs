using Warranty.Grains.Interfaces;

namespace Warranty.Grains.ReadModel;

/// <summary>A line whose option is charged in the month asked for, with what BIL-2 and BIL-3 look at.</summary>
public sealed record ChargedLine(string LineId, DateOnly ServiceStartDate, DateOnly? TerminatedOn);

/// <summary>A month a billing run closed (a month index), and the projection's position then.</summary>
public sealed record ClosedMonth(int Month, long Position);

/// <summary>
/// A line's fee facts (BIL-1..3), <paramref name="ChangedSequence"/> the last event that changed them, and the months
/// closed runs billed its fee for (month indexes).
/// </summary>
public sealed record FeeFacts(string LineId, DateOnly ServiceStartDate, bool HasOption, DateOnly? TerminatedOn, long ChangedSequence, IReadOnlyList<int> BilledMonths);

/// <summary>
/// What closing <paramref name="Month"/> records, at projection position <paramref name="Position"/>: its totals; every
/// fee of the month and every claim charge of the month, and of <paramref name="AdjustedMonths"/> not billed yet, as
/// billed by it; the fees it adjusted (<paramref name="FeesDue"/> billed late, <paramref name="FeesCredited"/> taken back).
/// </summary>
public sealed record Closing(
    int Month,
    long Position,
    int Lines,
    int Items,
    long TotalYen,
    long TaxYen,
    IReadOnlyList<int> AdjustedMonths,
    IReadOnlyList<(string LineId, int Month)> FeesDue,
    IReadOnlyList<(string LineId, int Month)> FeesCredited);

/// <summary>
/// The projection's lease after an attempt to take or renew it: <paramref name="Held"/> by the caller or not; when the
/// caller took it over from another owner that never gave it up (it died), <paramref name="ExpiredAt"/> is when that
/// owner's lease ran out.
/// </summary>
public sealed record Lease(bool Held, DateTimeOffset? ExpiredAt = null);

/// <summary>Claims of one TAC (with its model name, when known), incident (wire name) and outcome.</summary>
public sealed record ClaimCount(string Tac, string? Model, string Incident, ClaimOutcome Outcome, long Claims);

/// <summary>The turnaround of one service's completed claims, in seconds.</summary>
public sealed record TurnaroundFigures(ClaimService Service, long Completed, double P50Seconds, double P90Seconds);

/// <summary>How many options' charged months run from <paramref name="FirstCharged"/> to <paramref name="LastCharged"/> (month indexes; null: no end).</summary>
public sealed record OptionMonths(int FirstCharged, int? LastCharged, long Options);

/// <summary>
/// The read tables and the projection's place in the log, in the grains' store (<c>read_*</c>: postgres/0005 and 0006,
/// sqlite/0004 and 0005). One implementation per engine; what goes in them is decided by <see cref="ReadChanges"/>.
/// </summary>
public abstract class ReadModelStore
{
    /// <summary>Takes or renews the projection's lease for <paramref name="owner"/>; not held while another owner holds it.</summary>
    public abstract Task<Lease> TryLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>
    /// The stored states (JSON) of the lines of service <paramref name="serviceId"/> written from
    /// <paramref name="since"/> to <paramref name="until"/> that hold history entries they have not counted as published
    /// (<c>LineState.EventsPublished</c>): what a crash between a line's write and its log append leaves behind.
    /// </summary>
    public abstract Task<IReadOnlyList<string>> UnpublishedLinesAsync(string serviceId, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// The stored states (JSON) of the exchange stocks of service <paramref name="serviceId"/> written from
    /// <paramref name="since"/> to <paramref name="until"/> that hold movements not known to be in the log
    /// (<c>ExchangeStockState.Unpublished</c>).
    /// </summary>
    public abstract Task<IReadOnlyList<string>> UnpublishedStocksAsync(string serviceId, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Gives the lease up (a silo shutting down), so another silo projects at once.</summary>
    public abstract Task ReleaseAsync(string owner, CancellationToken cancellationToken);

    public abstract Task<long> PositionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="changes"/> and moves the position from <paramref name="expected"/> to
    /// <paramref name="next"/>, in one transaction; nothing (false) when <paramref name="owner"/> no longer holds the
    /// lease or the position moved meanwhile (a rebuild).
    /// </summary>
    public abstract Task<bool> ApplyAsync(IReadOnlyList<ReadChange> changes, long expected, long next, string owner, CancellationToken cancellationToken);

    /// <summary>Empties the read tables and sets the position back to the log's start, in one transaction.</summary>
    public abstract Task ResetAsync(CancellationToken cancellationToken);

    public abstract Task<ProjectionStatus> StatusAsync(CancellationToken cancellationToken);

    /// <summary>The lines whose option is charged in month <paramref name="month"/> (a month index), in line order.</summary>
    public abstract IAsyncEnumerable<ChargedLine> ChargedLinesAsync(int month, CancellationToken cancellationToken);

    /// <summary>The claims' charges dated in month <paramref name="month"/>, in line order, then claim order, then as each claim lists them.</summary>
    public abstract IAsyncEnumerable<BillingItem> ClaimChargesAsync(int month, CancellationToken cancellationToken);

    /// <summary>The months billing runs closed, in order.</summary>
    public abstract Task<IReadOnlyList<ClosedMonth>> ClosedMonthsAsync(CancellationToken cancellationToken);

    /// <summary>Claim charges of <paramref name="months"/> that no closed run has billed, in line, claim and item order.</summary>
    public abstract Task<IReadOnlyList<BillingItem>> UnbilledChargesAsync(IReadOnlyList<int> months, CancellationToken cancellationToken);

    /// <summary>The lines whose fee facts changed after event <paramref name="afterSequence"/>, in line order.</summary>
    public abstract Task<IReadOnlyList<FeeFacts>> FeeChangesAsync(long afterSequence, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="closing"/> in one transaction, only if the projection is still at its position and the
    /// month is not closed yet; false otherwise (nothing recorded).
    /// </summary>
    public abstract Task<bool> CloseAsync(Closing closing, CancellationToken cancellationToken);

    /// <summary>Claims filed from <paramref name="from"/> to <paramref name="to"/> (Japan dates, included), by TAC, incident and outcome.</summary>
    public abstract Task<IReadOnlyList<ClaimCount>> ClaimCountsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>Turnaround of the claims completed from <paramref name="from"/> to <paramref name="to"/>, per service, in service order.</summary>
    public abstract Task<IReadOnlyList<TurnaroundFigures>> TurnaroundAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>Stock movements from <paramref name="from"/> to <paramref name="to"/>, per TAC in TAC order.</summary>
    public abstract Task<IReadOnlyList<StockReportRow>> StockMovementsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>The lines with the option, counted by the months they are charged from and through.</summary>
    public abstract Task<IReadOnlyList<OptionMonths>> OptionMonthsAsync(CancellationToken cancellationToken);

    /// <summary>The refusals of the days from <paramref name="from"/> to <paramref name="to"/>, by operation and rule.</summary>
    public abstract Task<IReadOnlyList<RefusalsReportRow>> RefusalsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="counts"/> to the stored refusal counts, in one transaction.</summary>
    public abstract Task AddRefusalsAsync(IReadOnlyList<RefusalCount> counts, CancellationToken cancellationToken);
}
