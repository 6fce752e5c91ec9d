using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Warranty.Api.Http;
using Warranty.Api.Http.Auth;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Features;

/// <summary>Model catalogue and exchange stock (role: admin; operators may read).</summary>
public static class CatalogApi
{
    public sealed record PutModelRequest(
        [property: Required] string? Maker,
        [property: Required] string? Model,
        [property: Required, WireEnum(typeof(DeviceKind))] string? Kind,
        [property: Required] string? ReleaseDate,
        [property: Required] bool? WifiOnly,
        [property: Required] bool? SoldInJapan,
        [property: Required] bool? HasGiteki,
        [property: Required] bool? RepairableInJapan,
        [property: Required] bool? ExchangeDesignated);

    public sealed record PutStockRequest([property: Required] long? Quantity);

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/v1/catalog/models").WithTags("Catalogue").RequireAccess(Policies.Catalogue);
        models.MapPut("/{tac}", PutModel).WithName("putCatalogModel").WithSummary("Create or replace a catalogue model (TAC)").Problems();
        models.MapGet("/{tac}", GetModel).WithName("getCatalogModel").WithSummary("Read a catalogue model").Problems(404);

        var stock = app.MapGroup("/v1/exchange-stock").WithTags("Catalogue").RequireAccess(Policies.Catalogue);
        stock.MapPut("/{tac}", PutStock).WithName("putExchangeStock").WithSummary("Set the exchange stock of a designated model").Problems(404, 422);
        stock.MapGet("/{tac}", GetStock).WithName("getExchangeStock").WithSummary("Read the exchange stock of a designated model").Problems(404);
        return app;
    }

    public static async Task<Results<Ok<CatalogModel>, ProblemHttpResult>> PutModel(string tac, PutModelRequest body, [AsParameters] Services services)
    {
        var read = services.Reader();
        read.Tac("tac", tac);
        var model = new CatalogModel(
            tac,
            read.RequiredText("maker", body.Maker),
            read.RequiredText("model", body.Model),
            read.Enum<DeviceKind>("kind", body.Kind),
            read.Date("releaseDate", body.ReleaseDate),
            read.Required("wifiOnly", body.WifiOnly),
            read.Required("soldInJapan", body.SoldInJapan),
            read.Required("hasGiteki", body.HasGiteki),
            read.Required("repairableInJapan", body.RepairableInJapan),
            read.Required("exchangeDesignated", body.ExchangeDesignated));
        if (read.Failed)
        {
            return Problems.From(read.Problem());
        }

        return TypedResults.Ok(await services.Grains.GetGrain<ICatalogModelGrain>(tac).PutAsync(model));
    }

    public static async Task<Results<Ok<CatalogModel>, ProblemHttpResult>> GetModel(string tac, [AsParameters] Services services)
    {
        var read = services.Reader();
        read.Tac("tac", tac);
        if (read.Failed)
        {
            return Problems.From(read.Problem());
        }

        return await services.Grains.GetGrain<ICatalogModelGrain>(tac).GetAsync() is { } model
            ? TypedResults.Ok(model)
            : Problems.From(WarrantyError.NotFound(ErrorCodes.ModelNotFound, $"TAC {tac} is not in the model catalogue."));
    }

    public static async Task<Results<Ok<ExchangeStock>, ProblemHttpResult>> PutStock(string tac, PutStockRequest body, [AsParameters] Services services)
    {
        var read = services.Reader();
        read.Tac("tac", tac);
        var quantity = read.Required("quantity", body.Quantity);
        if (quantity is < 0 or > int.MaxValue)
        {
            read.Error("quantity", "Must be a whole number from 0.");
        }

        if (read.Failed)
        {
            return Problems.From(read.Problem());
        }

        return Endpoints.Ok(await services.Grains.GetGrain<IExchangeStockGrain>(tac).SetAsync((int)quantity));
    }

    public static async Task<Results<Ok<ExchangeStock>, ProblemHttpResult>> GetStock(string tac, [AsParameters] Services services)
    {
        var read = services.Reader();
        read.Tac("tac", tac);
        if (read.Failed)
        {
            return Problems.From(read.Problem());
        }

        return Endpoints.Ok(await services.Grains.GetGrain<IExchangeStockGrain>(tac).GetAsync());
    }
}
