using Warranty.Grains.Interfaces;
using static Warranty.Grains.Domain.LineHistory;

namespace Warranty.Grains.Domain;

/// <summary>
/// The changes of a line other than its registration and its claims: each takes the line as stored, the
/// command and its time, and returns the next state with what the devices must be told, or the refusal. Pure: the
/// line grain loads, calls one of these, stores the result once and delivers the notices.
/// </summary>
public static class LineTransitions
{
    /// <summary>ENR-1: a new line, with the option when applied for together with it.</summary>
    public static Result<LineChange> Create(LineState line, string lineId, CreateLineCommand command, EventContext context, DateOnly today)
    {
        if (line.Exists)
        {
            return WarrantyError.Conflict(ErrorCodes.LineExists, $"Line '{lineId}' already exists.");
        }

        var created = EnrollmentRules.CreateLine(lineId, command, context, today);
        if (created.Error is { } error)
        {
            return error;
        }

        return Changed(created.Value! with
        {
            History = With(created.Value!, context, HistoryTypes.LineCreated, new()
            {
                ["plan"] = Wire(command.Plan),
                ["simType"] = Wire(command.SimType),
                ["serviceStartDate"] = Date(command.ServiceStartDate),
                ["warrantyOption"] = HistoryValues.Of(command.WarrantyOption),
            }),
        });
    }

    /// <summary>ENR-4: the option stays whatever the plan; the reception desk follows the new plan (REC-2).</summary>
    public static Result<LineChange> ChangePlan(LineState line, Plan plan, EventContext context, DateOnly today)
    {
        if (EnrollmentRules.IsCancelled(line, today))
        {
            return LineErrors.Cancelled(line.LineId);
        }

        return line.Plan == plan
            ? Changed(line)
            : Changed(line with
            {
                Plan = plan,
                History = With(line, context, HistoryTypes.PlanChanged, new() { ["from"] = Wire(line.Plan), ["to"] = Wire(plan) }),
            });
    }

    /// <summary>COV-7 / BIL-3: the option ends on <paramref name="date"/>; its covered device is told its last day.</summary>
    public static Result<LineChange> Terminate(LineState line, DateOnly date, EventContext context, DateOnly today)
    {
        if (EnrollmentRules.CheckEndDate(line, date) is { } invalid)
        {
            return invalid;
        }

        var terminated = EnrollmentRules.Terminate(line, date, today);
        if (terminated.Error is { } error)
        {
            return error;
        }

        var option = terminated.Value!;
        return Changed(
            line with
            {
                Option = option,
                History = With(line, context, HistoryTypes.OptionTerminated, new() { ["date"] = Date(date) }),
            },
            EndNotice(line.LineId, option, context.At, CoverageEndReason.Terminated));
    }

    /// <summary>The line ends on <paramref name="date"/>, and the option with it (COV-7).</summary>
    public static Result<LineChange> Cancel(LineState line, DateOnly date, EventContext context)
    {
        if (line.CancelledOn is not null)
        {
            return LineErrors.Cancelled(line.LineId);
        }

        if (EnrollmentRules.CheckEndDate(line, date) is { } invalid)
        {
            return invalid;
        }

        var option = EnrollmentRules.OptionAfterCancellation(line.Option, date);
        var notice = option is not null && option.TerminatedOn != line.Option?.TerminatedOn
            ? EndNotice(line.LineId, option, context.At, CoverageEndReason.Cancelled)
            : [];
        return Changed(
            line with
            {
                CancelledOn = date,
                Option = option,
                History = With(line, context, HistoryTypes.LineCancelled, new()
                {
                    ["date"] = Date(date),
                    ["optionTerminatedOn"] = option?.TerminatedOn is { } end ? Date(end) : null,
                }),
            },
            notice);
    }

    /// <summary>COV-5: the network saw <paramref name="imei"/> on the line at <paramref name="at"/>.</summary>
    public static LineChange RecordUsage(LineState line, string imei, DateTimeOffset at)
    {
        var usage = UsageRules.Record(line.Usage, imei, JapanTime.DateOf(at), CoveragePeriods.Of(line).Select(p => p.Device.Imei));
        return ReferenceEquals(usage, line.Usage) ? LineChange.None(line) : new LineChange(line with { Usage = usage }, []);
    }

    /// <summary>
    /// Finished claims of old contract years and old history leave the hot state (<see cref="ArchiveRules"/>); their
    /// devices keep references to the archived claims. Null when nothing is to be archived.
    /// </summary>
    public static ArchiveBatch? Archive(LineState line, DateOnly today, DateTimeOffset now)
    {
        var claims = ArchiveRules.ClaimsToArchive(line, today);
        var history = ArchiveRules.HistoryToArchive(line, now);
        if (claims.Count == 0 && history == 0)
        {
            return null;
        }

        var archived = claims.Select(c => c.ClaimId).ToHashSet();
        var references = claims.GroupBy(c => c.Imei)
            .Select(g => new OutboxItem(g.Key, new DeviceChange(DeviceChangeKind.AddClaim, line.LineId, now, ClaimIds: g.Select(c => c.ClaimId).ToArray())))
            .ToList();
        var after = line with
        {
            Claims = line.Claims.Where(c => !archived.Contains(c.ClaimId)).ToList(),
            HasArchivedClaims = line.HasArchivedClaims || claims.Count > 0,
            History = line.History.Skip(history).ToList(),
            ArchivedHistoryCount = line.ArchivedHistoryCount + history,
        };
        return new ArchiveBatch(claims, line.ArchivedHistoryCount, line.History.Take(history).ToList(), new LineChange(after, references));
    }

    /// <summary>The change that hands the device its last covered day when the option ends (COV-7).</summary>
    private static IReadOnlyList<OutboxItem> EndNotice(string lineId, OptionState option, DateTimeOffset at, CoverageEndReason reason) =>
        option.Device is { } device
            ? [new OutboxItem(device.Imei, new DeviceChange(DeviceChangeKind.EndCoverage, lineId, at, Date: option.TerminatedOn, EndReason: reason))]
            : [];

    private static Result<LineChange> Changed(LineState line, IReadOnlyList<OutboxItem>? notices = null) =>
        LineChange.Ok(new LineChange(line, notices ?? []));
}

/// <summary>
/// What an archiving moves: <see cref="Claims"/> and <see cref="History"/> (whose first entry is the archive's
/// <see cref="HistoryFrom"/>th) go to the archive first; then the line stores <see cref="After"/>.
/// </summary>
public sealed record ArchiveBatch(IReadOnlyList<ClaimState> Claims, int HistoryFrom, IReadOnlyList<HistoryEntry> History, LineChange After);
