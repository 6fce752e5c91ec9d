using Orleans.Concurrency;

namespace Warranty.Grains.Interfaces;

/// <summary>Exchange stock of one designated model (key: TAC).</summary>
[Alias("warranty.exchange-stock")]
public interface IExchangeStockGrain : IGrainWithStringKey
{
    [Alias("set")]
    Task<Result<ExchangeStock>> SetAsync(int quantity);

    /// <summary>
    /// Takes one unit for a shipment (CLM-9) made at <paramref name="at"/> (the movement's time); once per
    /// <paramref name="shipmentKey"/>, never below zero.
    /// </summary>
    [Alias("take")]
    Task<Result<ExchangeStock>> TakeAsync(string shipmentKey, DateTimeOffset at);


    [Alias("get")]
    [ReadOnly]
    Task<Result<ExchangeStock>> GetAsync();
}
