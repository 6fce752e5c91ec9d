using System.Collections.Concurrent;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Import;

internal enum RecordOutcome
{
    Imported,
    Skipped,
    Failed,
}

/// <summary>
/// Puts one checked record into the grains with the public API's calls: <see cref="ILineGrain.CreateAsync"/>
/// (at now), then <see cref="ILineGrain.RegisterDeviceAsync"/> at the record's <c>registeredAt</c>, so the
/// grains judge the registration by the rules in force back then (REG-2..8). What is already there is
/// compared, not written again, so a re-run changes nothing.
/// </summary>
internal sealed class RecordImporter(IGrainFactory grains, string actor)
{
    /// <summary>TACs seen in the catalogue during this import; bounded, only known models are kept.</summary>
    private const int MaxKnownModels = 10_000;

    private readonly ConcurrentDictionary<string, bool> _knownModels = new(StringComparer.Ordinal);

    public async Task<(RecordOutcome Outcome, ImportEvent? Error)> ImportAsync(ImportWork work)
    {
        // A device of an unknown model (REG-3) fails the record before anything is written, so the
        // record is not half imported; the line grain would refuse it too, after creating the line.
        if (work.Device is { } wanted && !await ModelKnownAsync(Imei.TacOf(wanted.Imei)))
        {
            var tac = Imei.TacOf(wanted.Imei);
            return Failed(work, WarrantyError.Refused(ErrorCodes.ModelNotFound, $"TAC {tac} is not in the model catalogue; import the model first (PUT /v1/catalog/models/{tac}).", ["REG-3"]));
        }

        var line = grains.GetGrain<ILineGrain>(work.LineId);
        var created = await line.CreateAsync(work.Command, new EventContext(work.Now, actor));
        LineView view;
        bool lineImported;
        if (created.Error is { Code: ErrorCodes.LineExists })
        {
            var existing = await line.GetAsync();
            if (existing.Error is { } gone)
            {
                return Failed(work, gone);
            }

            view = existing.Value!;
            if (Differences(view, work.Command) is { Length: > 0 } differences)
            {
                return Failed(work, WarrantyError.Conflict(
                    ErrorCodes.LineExistsDifferent,
                    $"Line '{work.LineId}' already exists with a different {string.Join(", ", differences)}; it was left as it is."));
            }

            lineImported = false;
        }
        else if (created.Error is { } refused)
        {
            return Failed(work, refused);
        }
        else
        {
            view = created.Value!;
            lineImported = true;
        }

        if (work.Device is not { } device)
        {
            return (lineImported ? RecordOutcome.Imported : RecordOutcome.Skipped, null);
        }

        var covered = view.Option?.CoveredImei;
        if (covered == device.Imei)
        {
            return (lineImported ? RecordOutcome.Imported : RecordOutcome.Skipped, null);
        }

        if (covered is not null)
        {
            return Failed(work, WarrantyError.Conflict(
                ErrorCodes.DeviceExistsDifferent,
                $"Line '{work.LineId}' already covers device {covered}; an import does not replace a registered device."));
        }

        var registered = await line.RegisterDeviceAsync(
            new RegisterDeviceCommand(device.Imei, device.Declarations), new EventContext(device.RegisteredAt, actor));
        if (registered.Error is { } refusal)
        {
            var prefix = lineImported ? "Line imported; its device was not registered: " : "Line already imported; its device was not registered: ";
            return Failed(work, refusal, prefix + refusal.Detail);
        }

        return (RecordOutcome.Imported, null);
    }

    private async Task<bool> ModelKnownAsync(string tac)
    {
        if (_knownModels.ContainsKey(tac))
        {
            return true;
        }

        var known = await grains.GetGrain<ICatalogModelGrain>(tac).GetAsync() is not null;
        if (known && _knownModels.Count < MaxKnownModels)
        {
            _knownModels.TryAdd(tac, true);
        }

        return known;
    }

    private static string[] Differences(LineView line, CreateLineCommand wanted)
    {
        var differences = new List<string>(4);
        if (line.Plan != wanted.Plan)
        {
            differences.Add($"plan ({WireNames.Of(line.Plan)}, not {WireNames.Of(wanted.Plan)})");
        }

        if (line.SimType != wanted.SimType)
        {
            differences.Add($"simType ({WireNames.Of(line.SimType)}, not {WireNames.Of(wanted.SimType)})");
        }

        if (line.ServiceStartDate != wanted.ServiceStartDate)
        {
            differences.Add($"serviceStartDate ({line.ServiceStartDate:yyyy-MM-dd}, not {wanted.ServiceStartDate:yyyy-MM-dd})");
        }

        if ((line.Option is not null) != wanted.WarrantyOption)
        {
            differences.Add($"warrantyOption ({(line.Option is not null ? "true" : "false")}, not {(wanted.WarrantyOption ? "true" : "false")})");
        }

        return [.. differences];
    }

    private static (RecordOutcome, ImportEvent?) Failed(ImportWork work, WarrantyError error, string? detail = null) =>
        (RecordOutcome.Failed, RecordParser.ErrorOf(work.Line, work.LineId, error, detail));
}
