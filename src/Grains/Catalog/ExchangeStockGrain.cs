using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Catalog;

/// <summary>Exchange stock of one designated model (CLM-9). Stock is taken at shipment (claims).</summary>
[GrainType("exchange-stock")]
public sealed class ExchangeStockGrain(
    [PersistentState("stock", "warranty")] IPersistentState<ExchangeStockState> state) : Grain, IExchangeStockGrain
{
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
            return WarrantyError.Refused(ErrorCodes.NotExchangeDesignated, $"Model {Tac} is not a designated exchange model.", ["CLM-9"]);
        }

        if (state.State.Quantity != quantity || !state.State.Set)
        {
            state.State = new ExchangeStockState { Quantity = quantity, Set = true };
            await state.WriteStateAsync();
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

    private WarrantyError ModelNotFound() => WarrantyError.NotFound(ErrorCodes.ModelNotFound, $"TAC {Tac} is not in the model catalogue.");
}

public sealed record ExchangeStockState
{
    public int Quantity { get; init; }
    public bool Set { get; init; }
}
