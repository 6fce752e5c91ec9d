using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Warranty.Api.Http;
using Warranty.Api.Http.Auth;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Features;

/// <summary>Model catalogue and exchange stock (role: admin; operators may read).</summary>
public static class CatalogApi
{
    /// <summary>A catalogue model's fields; its TAC is the route's, so the model read here has none yet.</summary>
    public sealed record PutModelRequest(
        [property: Required] string? Maker,
        [property: Required] string? Model,
        [property: Required, WireEnum(typeof(DeviceKind))] string? Kind,
        [property: Required] string? ReleaseDate,
        [property: Required] bool? WifiOnly,
        [property: Required] bool? SoldInJapan,
        [property: Required] bool? HasGiteki,
        [property: Required] bool? RepairableInJapan,
        [property: Required] bool? ExchangeDesignated) : RequestInput<CatalogModel>
    {
        protected override CatalogModel Read(FieldReader read) => new(
            "",
            read.Text(nameof(Maker), Maker),
            read.Text(nameof(Model), Model),
            read.Enum<DeviceKind>(nameof(Kind), Kind),
            read.Date(nameof(ReleaseDate), ReleaseDate),
            read.Flag(nameof(WifiOnly), WifiOnly),
            read.Flag(nameof(SoldInJapan), SoldInJapan),
            read.Flag(nameof(HasGiteki), HasGiteki),
            read.Flag(nameof(RepairableInJapan), RepairableInJapan),
            read.Flag(nameof(ExchangeDesignated), ExchangeDesignated));
    }

    public sealed record PutStockRequest([property: Required] long? Quantity) : RequestInput<int>
    {
        protected override int Read(FieldReader read) => read.Count(nameof(Quantity), Quantity);
    }

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/v1/catalog/models").WithTags("Catalogue").RequireAccess(Policies.Catalogue).ReadRequests();
        models.MapPut("/{tac}", PutModel).WithName("putCatalogModel").WithSummary("Create or replace a catalogue model (TAC)").Problems();
        models.MapGet("/{tac}", GetModel).WithName("getCatalogModel").WithSummary("Read a catalogue model").Problems(404);

        var stock = app.MapGroup("/v1/exchange-stock").WithTags("Catalogue").RequireAccess(Policies.Catalogue).ReadRequests();
        stock.MapPut("/{tac}", PutStock).WithName("putExchangeStock").WithSummary("Set the exchange stock of a designated model").Problems(404, 422);
        stock.MapGet("/{tac}", GetStock).WithName("getExchangeStock").WithSummary("Read the exchange stock of a designated model").Problems(404);
        return app;
    }

    public static async Task<Results<Ok<CatalogModel>, ProblemHttpResult>> PutModel(string tac, PutModelRequest body, [AsParameters] Services services) =>
        TypedResults.Ok(await services.Grains.GetGrain<ICatalogModelGrain>(tac).PutAsync(body.Command with { Tac = tac }));

    public static async Task<Results<Ok<CatalogModel>, ProblemHttpResult>> GetModel(string tac, [AsParameters] Services services) =>
        await services.Grains.GetGrain<ICatalogModelGrain>(tac).GetAsync() is { } model
            ? TypedResults.Ok(model)
            : Problems.From(WarrantyError.NotFound(ErrorCodes.ModelNotFound, $"TAC {tac} is not in the model catalogue."));

    public static async Task<Results<Ok<ExchangeStock>, ProblemHttpResult>> PutStock(string tac, PutStockRequest body, [AsParameters] Services services) =>
        Endpoints.Ok(await services.Grains.GetGrain<IExchangeStockGrain>(tac).SetAsync(body.Command));

    public static async Task<Results<Ok<ExchangeStock>, ProblemHttpResult>> GetStock(string tac, [AsParameters] Services services) =>
        Endpoints.Ok(await services.Grains.GetGrain<IExchangeStockGrain>(tac).GetAsync());
}
