using Orleans.Concurrency;

namespace Warranty.Grains.Interfaces;

/// <summary>One model catalogue entry (key: TAC).</summary>
[Alias("warranty.catalog-model")]
public interface ICatalogModelGrain : IGrainWithStringKey
{
    [Alias("put")]
    Task<CatalogModel> PutAsync(CatalogModel model);

    [Alias("get")]
    [ReadOnly]
    Task<CatalogModel?> GetAsync();
}
