using Microsoft.Extensions.Logging;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Catalog;

/// <summary>
/// Exchange stock of one designated model (CLM-9). Stock is taken at shipment: once per shipment
/// key however often a shipment is retried, and never below zero (one grain serialises all takes).
/// </summary>
[GrainType("exchange-stock")]
public sealed class ExchangeStockGrain(
    [PersistentState("stock", "warranty")] IPersistentState<ExchangeStockState> state,
    ILogger<ExchangeStockGrain> logger) : Grain, IExchangeStockGrain
{
    /// <summary>How many recent shipment keys are remembered to make retries idempotent.</summary>
    public const int RememberedShipments = 2_000;

    private string Tac => this.GetPrimaryKeyString();

    public async Task<Result<ExchangeStock>> SetAsync(int quantity)
    {
        var model = await GrainFactory.GetGrain<ICatalogModelGrain>(Tac).GetAsync();
        if (model is null)
        {
            return ModelNotFound();
        }

        if (!model.ExchangeDesignated)
        {
            return WarrantyError.Refused(ErrorCodes.NotExchangeDesignated, $"CLM-9: model {Tac} is not a designated exchange model; only designated models are stocked.", ["CLM-9"]);
        }

        if (state.State.Quantity != quantity || !state.State.Set)
        {
            await SaveAsync(state.State with { Quantity = quantity, Set = true });
        }

        return Result<ExchangeStock>.Ok(new ExchangeStock(Tac, model.Kind, quantity));
    }

    public async Task<Result<ExchangeStock>> GetAsync()
    {
        var model = await GrainFactory.GetGrain<ICatalogModelGrain>(Tac).GetAsync();
        return model is null
            ? ModelNotFound()
            : Result<ExchangeStock>.Ok(new ExchangeStock(Tac, model.Kind, state.State.Quantity));
    }

    public async Task<Result<ExchangeStock>> TakeAsync(string shipmentKey)
    {
        var model = await GrainFactory.GetGrain<ICatalogModelGrain>(Tac).GetAsync();
        if (model is null)
        {
            return ModelNotFound();
        }

        if (!state.State.Taken.Contains(shipmentKey))
        {
            if (state.State.Quantity <= 0)
            {
                return WarrantyError.Conflict(ErrorCodes.OutOfStock, $"CLM-9: no unit of model {Tac} is left in the exchange stock.", "CLM-9");
            }

            await SaveAsync(state.State with
            {
                Quantity = state.State.Quantity - 1,
                Taken = [.. state.State.Taken.TakeLast(RememberedShipments - 1), shipmentKey],
            });
            logger.LogDebug("Stock of {Tac} taken for shipment {ShipmentKey}: {Quantity} left", Tac, shipmentKey, state.State.Quantity);
        }

        return Result<ExchangeStock>.Ok(new ExchangeStock(Tac, model.Kind, state.State.Quantity));
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Set)
        {
            WarrantyMetrics.StockLevel(Tac, state.State.Quantity);
        }

        return Task.CompletedTask;
    }

    private async Task SaveAsync(ExchangeStockState next)
    {
        await state.WriteAsync(next);
        WarrantyMetrics.StockLevel(Tac, next.Quantity);
    }

    private WarrantyError ModelNotFound() => WarrantyError.NotFound(ErrorCodes.ModelNotFound, $"TAC {Tac} is not in the model catalogue.");
}

public sealed record ExchangeStockState
{
    public int Quantity { get; init; }
    public bool Set { get; init; }

    /// <summary>Shipments that took a unit, most recent last (bounded).</summary>
    public IReadOnlyList<string> Taken { get; init; } = [];
}
