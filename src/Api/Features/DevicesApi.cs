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
        [property: Required] bool? CoveredByOtherWarranty);

    public sealed record RegisterDeviceRequest([property: Required] string? Imei, string? At, [property: Required] DeclarationsRequest? Declarations);

    public sealed record UsageRequest([property: Required] string? Imei, string? At);

    public static IEndpointRouteBuilder MapDevices(this IEndpointRouteBuilder app)
    {
        // The line's subscriber registers its own device; operators register any.
        var registration = app.MapGroup("/v1/lines/{lineId}/device").WithTags("Devices").RequireAccess(Policies.Line);
        registration.MapPut("", Register).WithName("registerDevice").WithSummary("Register or correct the covered device (REG-1..8)").Problems(404, 409, 422);

        var devices = app.MapGroup("/v1/devices").WithTags("Devices").RequireAccess(Policies.Device);
        devices.MapGet("/{imei}", Get).WithName("getDevice").WithSummary("Read a device, its claims and coverage periods").Problems(404);
        devices.MapGet("/{imei}/coverage", Coverage).WithName("getCoverage").WithSummary("Is this device covered on a date? (COV-1..7)").Problems(404);

        var usage = app.MapGroup("/v1/lines/{lineId}/usage").WithTags("Usage feed").RequireAccess(Policies.UsageFeed);
        usage.MapPost("", Usage).WithName("recordUsage").WithSummary("Record that the network saw a device on a line (COV-5)").Problems(404);
        return app;
    }

    public static async Task<Results<Ok<LineView>, ProblemHttpResult>> Register(string lineId, RegisterDeviceRequest body, HttpContext http, [AsParameters] Services services)
    {
        var read = services.Reader();
        read.LineId("lineId", lineId);
        var imei = read.Imei("imei", body.Imei);
        var at = read.Timestamp("at", body.At);
        var d = body.Declarations;
        if (d is null)
        {
            read.Error("declarations", "The field is required.");
        }

        var declarations = new Declarations(
            read.Required("declarations.conditionOk", d?.ConditionOk ?? Missing(d)),
            read.Required("declarations.ownedBySubscriber", d?.OwnedBySubscriber ?? Missing(d)),
            read.Required("declarations.rentedOrLeased", d?.RentedOrLeased ?? Missing(d)),
            read.Required("declarations.businessUse", d?.BusinessUse ?? Missing(d)),
            read.Required("declarations.unofficialRepairOrModification", d?.UnofficialRepairOrModification ?? Missing(d)),
            read.Required("declarations.thirdPartyLostOrStolen", d?.ThirdPartyLostOrStolen ?? Missing(d)),
            read.Required("declarations.illegallyUnlocked", d?.IllegallyUnlocked ?? Missing(d)),
            read.Required("declarations.coveredByOtherWarranty", d?.CoveredByOtherWarranty ?? Missing(d)));
        if (read.Failed)
        {
            return Problems.From(read.Problem());
        }

        var context = new EventContext(at, Endpoints.Actor(http));
        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).RegisterDeviceAsync(new RegisterDeviceCommand(imei, declarations), context));
    }

    public static async Task<Results<Ok<DeviceView>, ProblemHttpResult>> Get(string imei, HttpContext http, [AsParameters] Services services)
    {
        var read = services.Reader();
        read.Imei("imei", imei);
        if (read.Failed)
        {
            return Problems.From(read.Problem());
        }

        return await services.Grains.GetGrain<IDeviceGrain>(imei).GetAsync(Policies.DeviceScope(http)) is { } device
            ? TypedResults.Ok(device)
            : Problems.From(WarrantyError.NotFound(ErrorCodes.DeviceNotFound, $"Device {imei} is not registered."));
    }

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
        var read = services.Reader();
        read.LineId("lineId", lineId);
        var imei = read.Imei("imei", body.Imei);
        var at = read.Timestamp("at", body.At);
        if (read.Failed)
        {
            return Problems.From(read.Problem());
        }

        var result = await services.Grains.GetGrain<ILineGrain>(lineId).RecordUsageAsync(imei, at);
        return result.Error is { } error ? Problems.From(error) : TypedResults.NoContent();
    }

    // When the whole declarations object is missing, one error for it is enough.
    private static bool? Missing(DeclarationsRequest? d) => d is null ? false : null;
}
