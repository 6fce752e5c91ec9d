using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warranty.Grains.Domain;
using Warranty.Grains.Events;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.ReadModel;

/// <summary>A change of the read tables that an event makes. Each is idempotent: applying it again changes nothing.</summary>
public abstract record ReadChange(string LineId, long Sequence);

/// <summary>A line was created (<c>read_lines</c>): the months its option is charged for, from BIL-2.</summary>
public sealed record LineOpened(string LineId, long Sequence, string Plan, DateOnly ServiceStartDate, bool HasOption, int FirstChargedMonth)
    : ReadChange(LineId, Sequence);

public sealed record PlanChanged(string LineId, long Sequence, string Plan) : ReadChange(LineId, Sequence);

/// <summary>The option's last day (a termination, or a cancellation that ended it): its last charged month, from BIL-3.</summary>
public sealed record OptionEnded(string LineId, long Sequence, DateOnly TerminatedOn, int LastChargedMonth) : ReadChange(LineId, Sequence);

public sealed record LineCancelled(string LineId, long Sequence, DateOnly CancelledOn) : ReadChange(LineId, Sequence);

/// <summary>
/// A claim's charge (BIL-4, <c>read_charges</c>), the <paramref name="Item"/>th its event carries, billed in month
/// <paramref name="Month"/> (a month index) of its date.
/// </summary>
public sealed record ChargeIncurred(string LineId, long Sequence, string EventId, int Item, ChargeItem Charge, int Month)
    : ReadChange(LineId, Sequence);

/// <summary>A claim was filed (<c>read_claims</c>): its device's TAC, the incident and when (CLM-13).</summary>
public sealed record ClaimOpened(string LineId, long Sequence, string ClaimId, string Tac, string Incident, DateTimeOffset FiledAt)
    : ReadChange(LineId, Sequence);

/// <summary>What became of a claim: withdrawn, or the inspection's outcome and, for a repair or an exchange, that service.</summary>
public sealed record ClaimDecided(string LineId, long Sequence, string ClaimId, ClaimOutcome Outcome, ClaimService? Service) : ReadChange(LineId, Sequence);

/// <summary>A claim's service was completed (repair completed, exchange delivered) at <paramref name="CompletedAt"/>.</summary>
public sealed record ClaimCompleted(string LineId, long Sequence, string ClaimId, DateTimeOffset CompletedAt) : ReadChange(LineId, Sequence);

/// <summary>A registration, or an exchange stock's movement, named the model of a TAC (<c>read_models</c>).</summary>
public sealed record ModelNamed(string LineId, long Sequence, string Tac, string Model) : ReadChange(LineId, Sequence);

/// <summary>An exchange stock movement (<c>read_stock_movements</c>): <paramref name="Delta"/> units, <paramref name="Quantity"/> after it.</summary>
public sealed record StockMoved(string LineId, long Sequence, string EventId, string Tac, StockMovementKind Kind, int Delta, int Quantity, DateTimeOffset At)
    : ReadChange(LineId, Sequence);

/// <summary>What each event of the log changes in the read tables: the projection's one translation, with no I/O.</summary>
public static class ReadChanges
{
    /// <summary>The event types that change the read tables; the others are not even parsed.</summary>
    private static readonly HashSet<string> Projected = new(StringComparer.Ordinal)
    {
        HistoryTypes.LineCreated.Name, HistoryTypes.PlanChanged.Name, HistoryTypes.OptionTerminated.Name, HistoryTypes.LineCancelled.Name,
        HistoryTypes.ClaimRepairCompleted.Name, HistoryTypes.ClaimExchangeDelivered.Name,
        HistoryTypes.DeviceRegistered.Name, HistoryTypes.DeviceCorrected.Name,
        HistoryTypes.ClaimFiled.Name, HistoryTypes.ClaimWithdrawn.Name, HistoryTypes.ClaimInspected.Name,
        StockEvents.Set, StockEvents.Taken,
    };

    public static IEnumerable<ReadChange> Of(StoredEvent stored)
    {
        var e = stored.Event;
        if (!Projected.Contains(e.Type))
        {
            yield break;
        }

        var data = JsonNode.Parse(e.Data)!.AsObject();
        var sequence = stored.Sequence;
        switch (e.Type)
        {
            case "line_created":
                var start = Date(data, "serviceStartDate")!.Value;
                yield return new LineOpened(
                    e.LineId, sequence, Text(data, "plan")!, start, data["warrantyOption"]!.GetValue<bool>(), BillingRules.FirstChargedMonthIndex(start));
                break;
            case "plan_changed":
                yield return new PlanChanged(e.LineId, sequence, Text(data, "to")!);
                break;
            case "option_terminated":
                yield return Ended(e.LineId, sequence, Date(data, "date")!.Value);
                break;
            case "line_cancelled":
                yield return new LineCancelled(e.LineId, sequence, Date(data, "date")!.Value);
                if (Date(data, "optionTerminatedOn") is { } end)
                {
                    yield return Ended(e.LineId, sequence, end);
                }

                break;
            case "device_registered" or "device_corrected":
                yield return new ModelNamed(e.LineId, sequence, Imei.TacOf(Text(data, "imei")!), Text(data, "model")!);
                break;
            case "claim_filed":
                yield return new ClaimOpened(e.LineId, sequence, Text(data, "claimId")!, Imei.TacOf(Text(data, "imei")!), Text(data, "incident")!, e.At);
                break;
            case "claim_withdrawn":
                yield return new ClaimDecided(e.LineId, sequence, Text(data, "claimId")!, ClaimOutcome.Withdrawn, null);
                break;
            case "claim_inspected":
                var outcome = Choice<InspectionOutcome>(e, data, "outcome");
                yield return new ClaimDecided(
                    e.LineId,
                    sequence,
                    Text(data, "claimId")!,
                    outcome switch { InspectionOutcome.Repair => ClaimOutcome.Repair, InspectionOutcome.Exchange => ClaimOutcome.Exchange, _ => ClaimOutcome.Reject },
                    outcome switch { InspectionOutcome.Repair => ClaimService.Repair, InspectionOutcome.Exchange => ClaimService.Exchange, _ => null });
                break;
            case "claim_repair_completed" or "claim_exchange_delivered":
                yield return new ClaimCompleted(e.LineId, sequence, Text(data, "claimId")!, e.At);
                break;
            case StockEvents.Set or StockEvents.Taken:
                var stock = data.Deserialize<StockMovement>(EventJson.Options)!;
                yield return new StockMoved(e.LineId, sequence, e.Id, stock.Tac, stock.Kind, stock.Delta, stock.Quantity, e.At);
                if (!string.IsNullOrEmpty(stock.Model))
                {
                    // A designated exchange model may never be registered by anyone: its stock names it.
                    yield return new ModelNamed(e.LineId, sequence, stock.Tac, stock.Model);
                }

                break;
        }

        if (data["charges"] is JsonArray charges)
        {
            for (var i = 0; i < charges.Count; i++)
            {
                var charge = charges[i]!.Deserialize<EventCharge>(EventJson.Options)!;
                var kind = WireNames.TryParse<ChargeKind>(charge.Kind, out var k) ? k : throw new FormatException($"Event {e.Id}: unknown charge kind '{charge.Kind}'.");
                var item = new ChargeItem(kind, charge.ClaimId, charge.Date, charge.AmountYen, charge.TaxYen, charge.Taxable);
                yield return new ChargeIncurred(e.LineId, sequence, e.Id, i, item, JapanTime.MonthIndex(charge.Date));
            }
        }
    }

    private static OptionEnded Ended(string lineId, long sequence, DateOnly end) => new(lineId, sequence, end, BillingRules.LastChargedMonthIndex(end));

    private static T Choice<T>(LogEvent e, JsonObject data, string name) where T : struct, Enum =>
        WireNames.TryParse<T>(Text(data, name), out var value) ? value : throw new FormatException($"Event {e.Id}: unknown {name} '{Text(data, name)}'.");

    private static string? Text(JsonObject data, string name) => data[name]?.GetValue<string>();

    private static DateOnly? Date(JsonObject data, string name) =>
        Text(data, name) is { } text ? DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
}
