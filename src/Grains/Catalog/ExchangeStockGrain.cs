using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warranty.Grains.Events;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Catalog;

/// <summary>
/// Exchange stock of one designated model (CLM-9). Stock is taken at shipment: once per shipment
/// key however often a shipment is retried, and never below zero (one grain serialises all takes).
/// </summary>
/// <remarks>
/// Each movement (a level set, a unit taken) is an event of the log (<see cref="StockEvents"/>): stored with the change
/// in <see cref="ExchangeStockState.Unpublished"/>, appended once the change is stored, and dropped from the state once
/// the log has it. An append that fails, or a crash before it, leaves the movement in the stored state: it is appended
/// again on the stock's next change, activation or deactivation, and the log ignores an id it already has.
/// </remarks>
[GrainType("exchange-stock")]
public sealed class ExchangeStockGrain(
    [PersistentState("stock", "warranty")] IPersistentState<ExchangeStockState> state,
    [FromKeyedServices(RulesClock.Key)] TimeProvider time,
    EventPublisher events,
    ILogger<ExchangeStockGrain> logger) : Grain, IExchangeStockGrain
{
    /// <summary>How many recent shipment keys are remembered to make retries idempotent.</summary>
    public const int RememberedShipments = 2_000;

    /// <summary>The last movement known to be in the log (-1: none yet in this activation).</summary>
    private long _landed = -1;

    /// <summary>The last movement handed to the log: landed, or in an append under way.</summary>
    private long _handed = -1;

    /// <summary>The last append started: true once its movements are in the log.</summary>
    private Task<bool> _append = Task.FromResult(true);

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
            await SaveAsync(state.State with { Quantity = quantity, Set = true }, StockMovementKind.Set, quantity - state.State.Quantity, shipmentKey: null, time.GetUtcNow(), model.Model);
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

    public async Task<Result<ExchangeStock>> TakeAsync(string shipmentKey, DateTimeOffset at)
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

            await SaveAsync(
                state.State with
                {
                    Quantity = state.State.Quantity - 1,
                    Taken = [.. state.State.Taken.TakeLast(RememberedShipments - 1), shipmentKey],
                },
                StockMovementKind.Shipment,
                -1,
                shipmentKey,
                at,
                model.Model);
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

        Publish();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Publish();
        if (!await _append)
        {
            logger.LogWarning("Stock of {Tac}: movements not recorded in the event log on deactivation; they will be on the next activation", Tac);
        }
    }

    /// <summary>
    /// Stores <paramref name="next"/> with its movement (made at <paramref name="at"/>, of the model the catalogue names
    /// <paramref name="model"/>), then appends the movements not in the log yet.
    /// </summary>
    private async Task SaveAsync(ExchangeStockState next, StockMovementKind kind, int delta, string? shipmentKey, DateTimeOffset at, string model)
    {
        var movement = new PendingStockMovement(Tac, next.Movements, kind, delta, next.Quantity, shipmentKey, at, model);
        await state.WriteAsync(next with { Movements = next.Movements + 1, Unpublished = [.. next.Unpublished, movement] });
        WarrantyMetrics.StockLevel(Tac, next.Quantity);
        Publish();
    }

    /// <summary>
    /// Starts appending the unpublished movements not handed to the log yet, after the appends under way (never the same
    /// movement twice at once: two writes racing with one id would leave a gap in the log's sequence, which the
    /// projection waits on). Not waited for: a failure leaves the movements for the next change or activation.
    /// </summary>
    private void Publish()
    {
        var pending = state.State.Unpublished.Where(m => m.Number > _handed).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        _handed = pending[^1].Number;
        _append = AppendAsync(_append, pending);
    }

    /// <summary>
    /// Appends <paramref name="movements"/> once <paramref name="previous"/> has landed, then drops them from the state
    /// (stored so with the next change); true when they are in the log. Runs on the grain's scheduler.
    /// </summary>
    private async Task<bool> AppendAsync(Task<bool> previous, IReadOnlyList<PendingStockMovement> movements)
    {
        try
        {
            if (await previous)
            {
                await events.PublishAsync(movements.Select(m => StockEvents.Of(m, time.GetUtcNow())).ToList());
                _landed = movements[^1].Number;
                state.State = state.State with { Unpublished = state.State.Unpublished.Where(m => m.Number > _landed).ToList() };
                return true;
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Stock of {Tac}: movements not recorded in the event log yet; retried on the next change", Tac);
        }

        // Not in the log: the next publish hands them over again.
        _handed = Math.Min(_handed, _landed);
        return false;
    }

    private WarrantyError ModelNotFound() => WarrantyError.NotFound(ErrorCodes.ModelNotFound, $"TAC {Tac} is not in the model catalogue.");
}

public sealed record ExchangeStockState
{
    public int Quantity { get; init; }
    public bool Set { get; init; }

    /// <summary>Shipments that took a unit, most recent last (bounded).</summary>
    public IReadOnlyList<string> Taken { get; init; } = [];

    /// <summary>How many movements the stock has had: the number of the next one (its event id).</summary>
    public long Movements { get; init; }

    /// <summary>Movements stored but not known to be in the event log yet, oldest first: the stock's outbox.</summary>
    public IReadOnlyList<PendingStockMovement> Unpublished { get; init; } = [];
}
