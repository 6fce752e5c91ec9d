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
    /// the fee first, then the claims' charges in claim order.
    /// </summary>
    public async IAsyncEnumerable<BillingRecord> BillingRunAsync(int year, int month, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var status = await store.StatusAsync(cancellationToken);
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

        var open = JapanTime.MonthIndex(JapanTime.Today(clock)) <= index;
        yield return new BillingRecord(null, new BillingSummary($"{year:0000}-{month:00}", open, lines, items, total, tax, status.Position, status.EventsBehind));
    }

    public Task<ProjectionStatus> StatusAsync(CancellationToken cancellationToken = default) => store.StatusAsync(cancellationToken);

    public Task RebuildAsync(CancellationToken cancellationToken = default) => store.ResetAsync(cancellationToken);
}

/// <summary>The memory store's read side: none (its grains keep no log beyond the process).</summary>
public sealed class NoReadSide : IReadSide
{
    public bool Available => false;

    public IAsyncEnumerable<BillingRecord> BillingRunAsync(int year, int month, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("The memory store keeps no read model.");

    public Task<ProjectionStatus> StatusAsync(CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("The memory store keeps no read model.");

    public Task RebuildAsync(CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("The memory store keeps no read model.");
}
