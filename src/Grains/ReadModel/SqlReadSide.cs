using System.Runtime.CompilerServices;
using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.ReadModel;

/// <summary>The read side over the read tables of a SQL store.</summary>
public sealed class SqlReadSide(ReadModelStore store, TimeProvider clock) : IReadSide
{
    public bool Available => true;

    /// <summary>
    /// The billing run: the lines whose option is charged in the month (BIL-1..3, one fee each) merged, in line order,
    /// with the claims' charges dated in it (BIL-4), so each line's items come out as its charges endpoint lists them:
    /// the fee first, then the claims' charges in claim order. Then the adjustments of closed months (see
    /// <see cref="AdjustmentsAsync"/>), then the summary. The first complete run of a month that has ended closes it
    /// (<see cref="ReadModelStore.CloseAsync"/>), billing its items and adjustments.
    /// </summary>
    public async IAsyncEnumerable<BillingRecord> BillingRunAsync(int year, int month, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var status = await store.StatusAsync(cancellationToken);
        var closed = await store.ClosedMonthsAsync(cancellationToken);
        var index = JapanTime.MonthIndex(year, month);
        var (lines, items, total, tax) = (0, 0, 0L, 0L);
        string? lastLine = null;

        await using var fees = store.ChargedLinesAsync(index, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using var charges = store.ClaimChargesAsync(index, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var hasFee = await fees.MoveNextAsync();
        var hasCharge = await charges.MoveNextAsync();
        while (hasFee || hasCharge)
        {
            BillingItem next;
            if (hasFee && (!hasCharge || string.CompareOrdinal(fees.Current.LineId, charges.Current.LineId) <= 0))
            {
                var line = fees.Current;
                hasFee = await fees.MoveNextAsync();
                if (!BillingRules.IsCharged(index, BillingRules.ChargedMonths(line.ServiceStartDate, line.TerminatedOn)))
                {
                    continue;
                }

                next = new BillingItem(line.LineId, BillingRules.MonthlyFee(year, month));
            }
            else
            {
                next = charges.Current;
                hasCharge = await charges.MoveNextAsync();
            }

            if (next.LineId != lastLine)
            {
                lines++;
                lastLine = next.LineId;
            }

            items++;
            total += next.Item.AmountYen;
            tax += next.Item.TaxYen;
            yield return new BillingRecord(next, null);
        }

        var earlier = closed.Where(c => c.Month < index).ToList();
        var (adjustments, feesDue, feesCredited) = await AdjustmentsAsync(earlier, cancellationToken);
        foreach (var adjustment in adjustments)
        {
            yield return new BillingRecord(null, null, adjustment);
        }

        var open = JapanTime.MonthIndex(JapanTime.Today(clock)) <= index;
        var isClosed = closed.Any(c => c.Month == index);
        if (!open && !isClosed && status.EventsBehind == 0)
        {
            isClosed = await store.CloseAsync(
                new Closing(index, status.Position, lines, items, total, tax, earlier.Select(c => c.Month).ToList(), feesDue, feesCredited),
                cancellationToken);
        }

        yield return new BillingRecord(null, new BillingSummary(
            $"{year:0000}-{month:00}", open, isClosed, lines, items, total, tax,
            adjustments.Count, adjustments.Sum(a => (long)a.Item.AmountYen), status.Position, status.EventsBehind));
    }

    /// <summary>
    /// What changed in closed months since they were closed: claim charges dated in them that no closed run billed (a
    /// back-dated repair or delivery recorded late), and fees due or no longer due by the lines' facts now
    /// (<see cref="BillingRules.FeeCorrections"/>), in line order, then month.
    /// </summary>
    private async Task<(List<BillingAdjustment> Adjustments, List<(string, int)> FeesDue, List<(string, int)> FeesCredited)> AdjustmentsAsync(
        IReadOnlyList<ClosedMonth> closed, CancellationToken cancellationToken)
    {
        var adjustments = new List<BillingAdjustment>();
        var (due, credited) = (new List<(string, int)>(), new List<(string, int)>());
        if (closed.Count == 0)
        {
            return (adjustments, due, credited);
        }

        foreach (var line in await store.FeeChangesAsync(closed.Min(c => c.Position), cancellationToken))
        {
            foreach (var (month, sign) in BillingRules.FeeCorrections(
                line.HasOption, line.ServiceStartDate, line.TerminatedOn, line.ChangedSequence, line.BilledMonths, closed.Select(c => (c.Month, c.Position))))
            {
                var (y, m) = JapanTime.MonthOf(month);
                adjustments.Add(new BillingAdjustment(line.LineId, $"{y:0000}-{m:00}", BillingRules.FeeCorrection(y, m, sign)));
                (sign > 0 ? due : credited).Add((line.LineId, month));
            }
        }

        foreach (var charge in await store.UnbilledChargesAsync(closed.Select(c => c.Month).ToList(), cancellationToken))
        {
            adjustments.Add(new BillingAdjustment(charge.LineId, $"{charge.Item.Date.Year:0000}-{charge.Item.Date.Month:00}", charge.Item));
        }

        // Line order, then month; within a line and month, the fee before the claims' charges (a stable sort keeps the rest).
        var ordered = adjustments.OrderBy(a => a.LineId, StringComparer.Ordinal).ThenBy(a => a.Month, StringComparer.Ordinal).ThenBy(a => a.Item.ClaimId is null ? 0 : 1).ToList();
        return (ordered, due, credited);
    }

    public Task<ProjectionStatus> StatusAsync(CancellationToken cancellationToken = default) => store.StatusAsync(cancellationToken);

    public Task RebuildAsync(CancellationToken cancellationToken = default) => store.ResetAsync(cancellationToken);

    public async Task<ClaimsReport> ClaimsReportAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var behind = await EventsBehindAsync(cancellationToken);
        var counts = await store.ClaimCountsAsync(from, to, cancellationToken);
        var rows = counts
            .Select(c => new ClaimsReportRow(c.Tac, c.Model, WireNames.TryParse<Incident>(c.Incident, out var incident) ? incident : throw UnknownValue("incident", c.Incident), c.Outcome, c.Claims))
            .ToList();
        return new ClaimsReport(from, to, rows.Sum(r => r.Claims), rows, behind);
    }

    public async Task<RefusalsReport> RefusalsReportAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default) =>
        new(from, to, await store.RefusalsAsync(from, to, cancellationToken));

    public async Task<TurnaroundReport> TurnaroundReportAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var behind = await EventsBehindAsync(cancellationToken);
        var figures = await store.TurnaroundAsync(from, to, cancellationToken);
        return new TurnaroundReport(from, to, figures.Select(f => new TurnaroundRow(f.Service, f.Completed, Hours(f.P50Seconds), Hours(f.P90Seconds))).ToList(), behind);
    }

    public async Task<StockReport> StockReportAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var behind = await EventsBehindAsync(cancellationToken);
        return new StockReport(from, to, await store.StockMovementsAsync(from, to, cancellationToken), behind);
    }

    public async Task<FeesReport> FeesReportAsync((int Year, int Month) from, (int Year, int Month) to, CancellationToken cancellationToken = default)
    {
        var behind = await EventsBehindAsync(cancellationToken);
        var options = await store.OptionMonthsAsync(cancellationToken);
        var rows = BillingRules.FeeMonths(
                options.Select(o => (o.FirstCharged, o.LastCharged, o.Options)), JapanTime.MonthIndex(from.Year, from.Month), JapanTime.MonthIndex(to.Year, to.Month))
            .Select(m =>
            {
                var (year, month) = JapanTime.MonthOf(m.Month);
                return new FeesReportRow($"{year:0000}-{month:00}", m.Active, m.Charged, m.Charged * Terms.MonthlyFeeYen, m.Charged * Terms.MonthlyFeeTaxYen);
            })
            .ToList();
        return new FeesReport($"{from.Year:0000}-{from.Month:00}", $"{to.Year:0000}-{to.Month:00}", rows, behind);
    }

    private async Task<long> EventsBehindAsync(CancellationToken cancellationToken) => (await store.StatusAsync(cancellationToken)).EventsBehind;

    /// <summary>Hours, to the hundredth.</summary>
    private static double Hours(double seconds) => Math.Round(seconds / 3600, 2);

    private static FormatException UnknownValue(string name, string value) => new($"The read model holds an unknown {name} '{value}'.");
}

/// <summary>The memory store's read side: none (its grains keep no log beyond the process).</summary>
public sealed class NoReadSide : IReadSide
{
    public bool Available => false;

    public IAsyncEnumerable<BillingRecord> BillingRunAsync(int year, int month, CancellationToken cancellationToken = default) => throw Unavailable();

    public Task<ProjectionStatus> StatusAsync(CancellationToken cancellationToken = default) => throw Unavailable();

    public Task RebuildAsync(CancellationToken cancellationToken = default) => throw Unavailable();

    public Task<ClaimsReport> ClaimsReportAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default) => throw Unavailable();

    public Task<RefusalsReport> RefusalsReportAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default) => throw Unavailable();

    public Task<TurnaroundReport> TurnaroundReportAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default) => throw Unavailable();

    public Task<StockReport> StockReportAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default) => throw Unavailable();

    public Task<FeesReport> FeesReportAsync((int Year, int Month) from, (int Year, int Month) to, CancellationToken cancellationToken = default) => throw Unavailable();

    private static InvalidOperationException Unavailable() => new("The memory store keeps no read model.");
}
