using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scalar.AspNetCore;
using Warranty.Api.Http.Auth;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http;

public static class HttpSetup
{
    /// <summary>True: one Information line per request (method, path, status, duration). Default false.</summary>
    public const string RequestLoggingSetting = "Warranty:RequestLogging";

    public static IServiceCollection AddWarrantyHttp(this IServiceCollection services)
    {
        services.TryAddSingletonTimeProvider();
        services.Configure<JsonOptions>(o => Configure(o.SerializerOptions));
        // Binding failures throw, so ClientErrorHandler answers them with the contract's 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            context.ProblemDetails.Extensions.TryAdd("code", Problems.CodeOf(status));
            context.ProblemDetails.Detail ??= Problems.DetailOf(status, context.HttpContext);
            context.ProblemDetails.Extensions.Remove("traceId");
            if (context.ProblemDetails.Extensions.TryGetValue(Problems.RetryAfterSeconds, out var seconds) && seconds is int wait)
            {
                context.HttpContext.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        });
        services.AddExceptionHandler<ClientErrorHandler>();
        // Per-request lines only when Warranty:RequestLogging is true (see UseWarrantyHttp): one line each.
        services.AddHttpLogging(o =>
        {
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.RequestQuery
                | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });
        services.AddSingleton<IdempotencyKeys.InFlight>();
        services.AddSingleton<DeviceGrains>();
        services.AddOpenApi(o =>
        {
            o.CreateSchemaReferenceId = type => type.Type == typeof(HistoryRecord) ? ContractDocument.HistoryEntrySchema : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            o.AddSchemaTransformer<RequestSchemas>().AddContract().AddBearerSecurity();
        });
        return services;
    }

    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        // In client mode no silo registers the rules' clock; the front door needs it for "now".
        services.TryAddKeyedSingleton(RulesClock.Key, TimeProvider.System);
    }

    public static WebApplication UseWarrantyHttp(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>(RequestLoggingSetting))
        {
            // Off by default: at thousands of requests per second a line per request costs CPU and fills disks.
            app.UseHttpLogging();
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseBodyLimit();
        app.UseAuthentication();
        // After authentication (the limits are per principal), before anything costs a grain call.
        app.UseRateLimiter();
        app.UseAuthorization();
        // After authorization: a key is scoped to the principal, and a refused request does not hold it.
        app.UseIdempotencyKeys();
        // The reference page's relative links resolve only without a trailing slash: /reference/v1/ → /reference/v1.
        app.Use((context, next) =>
        {
            if (context.Request.Path.Value is { Length: > 11 } path && path.StartsWith("/reference/", StringComparison.Ordinal) && path.EndsWith('/'))
            {
                context.Response.Redirect(path.TrimEnd('/') + context.Request.QueryString, permanent: true);
                return Task.CompletedTask;
            }

            return next(context);
        });
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/reference", o => o
                .WithTitle("Warranty API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddPreferredSecuritySchemes(BearerOpenApi.SchemeName))
            .AllowAnonymous();
        app.MapGet("/", () => Results.Redirect("/reference/v1")).ExcludeFromDescription().AllowAnonymous();
        return app;
    }
}
