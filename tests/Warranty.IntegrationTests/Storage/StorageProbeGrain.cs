using Warranty.Grains.Storage;

namespace Warranty.IntegrationTests.Storage;

/// <summary>A test-only grain with one persistent state on the "warranty" provider.</summary>
[Alias("Warranty.IntegrationTests.Storage.IStorageProbeGrain")]
public interface IStorageProbeGrain : IGrainWithStringKey
{
    [Alias("ReadAsync")]
    Task<ProbeSnapshot> ReadAsync();

    [Alias("WriteAsync")]
    Task<ProbeSnapshot> WriteAsync(string value, ProbeColor color);

    [Alias("DeactivateAsync")]
    Task DeactivateAsync();
}

[Alias("Warranty.IntegrationTests.Storage.ProbeColor")]
public enum ProbeColor
{
    None,
    Red,
    Blue,
}

[GenerateSerializer, Immutable, Alias("Warranty.IntegrationTests.Storage.ProbeState")]
public sealed record ProbeState
{
    [Id(0)] public string? Value { get; init; }

    [Id(1)] public int Writes { get; init; }

    [Id(2)] public ProbeColor Color { get; init; }
}

[GenerateSerializer, Immutable, Alias("Warranty.IntegrationTests.Storage.ProbeSnapshot")]
public sealed record ProbeSnapshot(
    [property: Id(0)] string? Value,
    [property: Id(1)] int Writes,
    [property: Id(2)] ProbeColor Color,
    [property: Id(3)] string? ETag,
    [property: Id(4)] bool RecordExists);

[GrainType(GrainTypeName)]
public sealed class StorageProbeGrain(
    [PersistentState(StorageProbeGrain.StateName, WarrantyStorageOptions.ProviderName)] IPersistentState<ProbeState> state) : Grain, IStorageProbeGrain
{
    public const string GrainTypeName = "warranty-test-storage-probe";
    public const string StateName = "probe";

    private readonly IPersistentState<ProbeState> _state = state;

    public Task<ProbeSnapshot> ReadAsync() => Task.FromResult(Snapshot());

    public async Task<ProbeSnapshot> WriteAsync(string value, ProbeColor color)
    {
        _state.State = _state.State with { Value = value, Color = color, Writes = _state.State.Writes + 1 };
        await _state.WriteStateAsync();
        return Snapshot();
    }

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private ProbeSnapshot Snapshot() =>
        new(_state.State.Value, _state.State.Writes, _state.State.Color, _state.Etag, _state.RecordExists);
}
