using Orleans.Concurrency;

namespace Warranty.Grains.Interfaces;

/// <summary>Exchange stock of one designated model (key: TAC).</summary>
[Alias("warranty.exchange-stock")]
public interface IExchangeStockGrain : IGrainWithStringKey
{
    [Alias("set")]
    Task<Result<ExchangeStock>> SetAsync(int quantity);

    [Alias("get")]
    [ReadOnly]
    Task<Result<ExchangeStock>> GetAsync();
}
