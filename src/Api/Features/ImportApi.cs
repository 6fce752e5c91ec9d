using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using Orleans.Runtime;
using Warranty.Api.Http;
using Warranty.Api.Http.Auth;
using Warranty.Api.Import;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Features;

/// <summary>Bulk import of existing subscribers (role: admin): NDJSON in, NDJSON progress out.</summary>
public static class ImportApi
{
    public const string NdjsonMediaType = "application/x-ndjson";

    public static IEndpointRouteBuilder MapImport(this IEndpointRouteBuilder app)
    {
        // Registered with AddSettings and checked at start, before the endpoints are mapped.
        var options = app.ServiceProvider.GetRequiredService<IOptions<ImportOptions>>().Value;
        var admin = app.MapGroup("/v1/admin").WithTags("Admin").RequireAccess(Policies.Admin);
        admin.MapPost("/imports", (HttpContext http, string? parallelism, [AsParameters] Services services, IOptions<JsonOptions> json, ILoggerFactory logs) =>
                ImportAsync(http, parallelism, services, json.Value.SerializerOptions, logs, options))
            .WithName("importSubscribers")
            .WithSummary("Import existing subscribers (NDJSON)")
            .WithDescription(
                "The body is NDJSON (application/x-ndjson): one ImportRecord object per line, streamed; up to " +
                $"{options.MaxBodyBytes} bytes in all and {options.MaxLineBytes} bytes per line (the API's 64 KiB limit does not apply). " +
                "Each record is created with POST /v1/lines's rules (at now) and its device registered with PUT /v1/lines/{lineId}/device's " +
                "rules at `registeredAt`, judged by the rules in force then (REG-2..8). `?parallelism=` (1–" + options.MaxParallelism +
                $", default {options.Parallelism}) records are in flight at once. The response (200 once streaming starts) is NDJSON: " +
                $"a `progress` object every {options.ProgressEveryRecords} records or every {options.ProgressInterval.TotalSeconds:0.#} s, " +
                "an `error` object per failed record (its line number, code, detail and rules), and a final `summary`. " +
                "Re-runnable: a line that already exists with the same fields, and a device already registered on it, are skipped; " +
                $"a line that exists with other fields is `{ErrorCodes.LineExistsDifferent}`, one that covers another device `{ErrorCodes.DeviceExistsDifferent}`.")
            .Accepts<ImportRecord>(NdjsonMediaType)
            .Produces<ImportEvent>(StatusCodes.Status200OK, NdjsonMediaType)
            .Problems(StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // Bound as text so that a bad value gets the contract's 400 naming the field; documented as what it is.
                if (operation.Parameters?.FirstOrDefault(p => p.Name == "parallelism") is OpenApiParameter parameter)
                {
                    parameter.Description = "Records in flight at once.";
                    parameter.Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Integer,
                        Minimum = "1",
                        Maximum = options.MaxParallelism.ToString(CultureInfo.InvariantCulture),
                        Default = System.Text.Json.Nodes.JsonValue.Create(options.Parallelism),
                    };
                }

                return Task.CompletedTask;
            })
            .WithMetadata(new EndpointBodyLimit(options.MaxBodyBytes));
        return app;
    }

    public static async Task<IResult> ImportAsync(
        HttpContext http, string? parallelism, Services services, System.Text.Json.JsonSerializerOptions json, ILoggerFactory logs, ImportOptions options)
    {
        if (!IsNdjson(http.Request.ContentType))
        {
            return TypedResults.Problem(Problems.Create(
                StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, $"Send the import as {NdjsonMediaType} (UTF-8), one JSON object per line."));
        }

        if (http.Request.ContentLength > options.MaxBodyBytes)
        {
            return TypedResults.Problem(Problems.Create(
                StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"An import body is limited to {options.MaxBodyBytes} bytes; split the file."));
        }

        var inFlight = options.Parallelism;
        if (parallelism is not null
            && (!int.TryParse(parallelism, NumberStyles.None, CultureInfo.InvariantCulture, out inFlight) || inFlight < 1 || inFlight > options.MaxParallelism))
        {
            return Problems.From(WarrantyError.InvalidField("parallelism", $"A whole number from 1 to {options.MaxParallelism}."));
        }

        // The BodyLimit middleware already applied this endpoint's limit; set it again in case the
        // pipeline changes, as long as nothing has read the body yet.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxBodyBytes;
        }

        // The import is re-runnable by itself and touches many lines: an Idempotency-Key sent with it
        // must not travel to every line grain as if each call were that one request.
        IdempotencyContext.Clear();

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = $"{NdjsonMediaType}; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await http.Response.StartAsync(http.RequestAborted);

        var job = new ImportJob(
            services.Grains, services.Time, options, inFlight, Endpoints.Actor(http), json, logs.CreateLogger("Warranty.Api.Import"));
        if (!await job.RunAsync(http.Request.BodyReader, http.Response.BodyWriter, http.RequestAborted))
        {
            // The summary was not written: make the response visibly incomplete.
            http.Abort();
        }

        return Results.Empty;
    }

    private static bool IsNdjson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals(NdjsonMediaType, StringComparison.OrdinalIgnoreCase)
        && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
}
