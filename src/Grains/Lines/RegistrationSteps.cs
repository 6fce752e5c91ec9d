using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Lines;

/// <summary>
/// A registration (REG-1..8): the line's checks, then what the device grain (REG-5) and the catalogue (REG-3) answer,
/// then the eligibility and the intent (<see cref="RegistrationTransitions"/>), then the protocol
/// (<see cref="LineProtocol.RegisterAsync"/>), which stores its own steps.
/// </summary>
internal static class RegistrationSteps
{
    public static async ValueTask<Result<LineChange>> TakeAsync(
        IGrainFactory grains, LineProtocol protocol, LineState line, RegisterDeviceCommand command, EventContext context, KeyedRequest? request)
    {
        var check = RegistrationTransitions.Check(line, command.Imei, context.At);
        if (check.Error is { } closed)
        {
            return closed;
        }

        if (!check.Value)
        {
            return LineChange.Ok(LineChange.None(line));
        }

        // REG-5 before the catalogue and eligibility, as the contract orders the errors; the device grain checks
        // again, atomically, when it attaches.
        var attachable = await grains.GetGrain<IDeviceGrain>(command.Imei).CheckAttachableAsync(line.LineId, context.At);
        if (attachable.Error is { } elsewhere)
        {
            return elsewhere;
        }

        var model = await grains.GetGrain<ICatalogModelGrain>(Imei.TacOf(command.Imei)).GetAsync();
        var intent = RegistrationTransitions.Begin(line, command, model, attachable.Value, context, request?.Key);
        if (intent.Error is { } refused)
        {
            return refused;
        }

        return await protocol.RegisterAsync(intent.Value!, request) is { } refusal ? refusal : LineChange.Ok(LineChange.None(protocol.Line));
    }
}
