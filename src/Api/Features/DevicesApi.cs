using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Warranty.Api.Http;
using Warranty.Api.Http.Auth;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Features;

/// <summary>Device registration, devices and coverage lookups (the hot path), and the usage feed.</summary>
public static class DevicesApi
{
    /// <summary>The subscriber's eight declarations at registration (REG-6b, c; REG-7a–e, h), every one required.</summary>
    public sealed record DeclarationsRequest(
        [property: Required] bool? ConditionOk,
        [property: Required] bool? OwnedBySubscriber,
        [property: Required] bool? RentedOrLeased,
        [property: Required] bool? BusinessUse,
        [property: Required] bool? UnofficialRepairOrModification,
        [property: Required] bool? ThirdPartyLostOrStolen,
        [property: Required] bool? IllegallyUnlocked,
        [property: Required] bool? CoveredByOtherWarranty)
    {
        private static readonly Declarations NotDeclared = new(false, false, false, false, false, false, false, false);

        /// <summary>
        /// The one reader of the declarations: <c>PUT /v1/lines/{lineId}/device</c> reads them under <c>declarations</c>,
        /// a bulk import under <c>device.declarations</c>. A missing object is one error, not one per declaration.
        /// </summary>
        internal static Declarations Read(FieldReader read, string property, DeclarationsRequest? value) =>
            read.Nested(property, value, out var fields)
                ? new Declarations(
                    fields.Flag(nameof(ConditionOk), value.ConditionOk),
                    fields.Flag(nameof(OwnedBySubscriber), value.OwnedBySubscriber),
                    fields.Flag(nameof(RentedOrLeased), value.RentedOrLeased),
                    fields.Flag(nameof(BusinessUse), value.BusinessUse),
                    fields.Flag(nameof(UnofficialRepairOrModification), value.UnofficialRepairOrModification),
                    fields.Flag(nameof(ThirdPartyLostOrStolen), value.ThirdPartyLostOrStolen),
                    fields.Flag(nameof(IllegallyUnlocked), value.IllegallyUnlocked),
                    fields.Flag(nameof(CoveredByOtherWarranty), value.CoveredByOtherWarranty))
                : NotDeclared;
    }

    public sealed record RegisterDeviceRequest([property: Required] string? Imei, string? At, [property: Required] DeclarationsRequest? Declarations)
        : RequestInput<(RegisterDeviceCommand Command, DateTimeOffset At)>
    {
        protected override (RegisterDeviceCommand Command, DateTimeOffset At) Read(FieldReader read)
        {
            var imei = read.Imei(nameof(Imei), Imei);
            var at = read.Timestamp(nameof(At), At);
            return (new RegisterDeviceCommand(imei, DeclarationsRequest.Read(read, nameof(Declarations), Declarations)), at);
        }
    }

    public sealed record UsageRequest([property: Required] string? Imei, string? At) : RequestInput<(string Imei, DateTimeOffset At)>
    {
        protected override (string Imei, DateTimeOffset At) Read(FieldReader read) => (read.Imei(nameof(Imei), Imei), read.Timestamp(nameof(At), At));
    }

    public static IEndpointRouteBuilder MapDevices(this IEndpointRouteBuilder app)
    {
        // The line's subscriber registers its own device; operators register any.
        var registration = app.MapGroup("/v1/lines/{lineId}/device").WithTags("Devices").RequireAccess(Policies.Line).ReadRequests();
        registration.MapPut("", Register).WithName("registerDevice").WithSummary("Register or correct the covered device (REG-1..8)").Problems(404, 409, 422);

        var devices = app.MapGroup("/v1/devices").WithTags("Devices").RequireAccess(Policies.Device);
        devices.MapGet("/{imei}", Get).ReadRequests().WithName("getDevice").WithSummary("Read a device, its claims and coverage periods").Problems(404);
        devices.MapGet("/{imei}/coverage", Coverage).WithName("getCoverage").WithSummary("Is this device covered on a date? (COV-1..7)").Problems(404);

        var usage = app.MapGroup("/v1/lines/{lineId}/usage").WithTags("Usage feed").RequireAccess(Policies.UsageFeed).ReadRequests();
        usage.MapPost("", Usage).WithName("recordUsage").WithSummary("Record that the network saw a device on a line (COV-5)").Problems(404);
        return app;
    }

    public static async Task<Results<Ok<LineView>, ProblemHttpResult>> Register(string lineId, RegisterDeviceRequest body, HttpContext http, [AsParameters] Services services)
    {
        var (command, at) = body.Command;
        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).RegisterDeviceAsync(command, new EventContext(at, Endpoints.Actor(http))));
    }

    public static async Task<Results<Ok<DeviceView>, ProblemHttpResult>> Get(string imei, HttpContext http, [AsParameters] Services services) =>
        await services.Grains.GetGrain<IDeviceGrain>(imei).GetAsync(Policies.DeviceScope(http)) is { } device
            ? TypedResults.Ok(device)
            : Problems.From(WarrantyError.NotFound(ErrorCodes.DeviceNotFound, $"Device {imei} is not registered."));

    /// <summary>The hot path: it reads its IMEI and date itself, without the request filter and its steps.</summary>
    public static async Task<Results<Ok<CoverageView>, ProblemHttpResult>> Coverage(string imei, string? date, HttpContext http, DeviceGrains devices, [AsParameters] Services services)
    {
        var read = services.Reader();
        read.Imei("imei", imei);
        var on = read.OptionalDate("date", date) ?? JapanTime.DateOf(read.Now);
        if (read.Failed)
        {
            return Problems.From(read.Problem());
        }

        var coverage = await devices.Get(imei).GetCoverageAsync(on, Policies.DeviceScope(http));
        if (coverage.Value is { } answer)
        {
            WarrantyMetrics.CoverageLookup(answer.Covered);
        }

        return Endpoints.Ok(coverage);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Usage(string lineId, UsageRequest body, [AsParameters] Services services)
    {
        var (imei, at) = body.Command;
        var result = await services.Grains.GetGrain<ILineGrain>(lineId).RecordUsageAsync(imei, at);
        return result.Error is { } error ? Problems.From(error) : TypedResults.NoContent();
    }
}
