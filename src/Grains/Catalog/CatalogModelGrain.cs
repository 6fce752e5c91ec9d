using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Catalog;

[GrainType("catalog-model")]
public sealed class CatalogModelGrain(
    [PersistentState("model", "warranty")] IPersistentState<CatalogModelState> state) : Grain, ICatalogModelGrain
{
    public async Task<CatalogModel> PutAsync(CatalogModel model)
    {
        if (state.State.Model != model)
        {
            state.State = new CatalogModelState { Model = model };
            await state.WriteStateAsync();
        }

        return model;
    }

    public Task<CatalogModel?> GetAsync() => Task.FromResult(state.State.Model);
}

public sealed record CatalogModelState
{
    public CatalogModel? Model { get; init; }
}
