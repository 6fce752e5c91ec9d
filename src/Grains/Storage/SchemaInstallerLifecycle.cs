using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Warranty.Grains.Storage;

/// <summary>
/// Runs <see cref="SchemaInstaller.EnsureAsync"/> at <see cref="ServiceLifecycleStage.First"/>, before
/// cluster membership (<see cref="ServiceLifecycleStage.RuntimeGrainServices"/>) and grain storage
/// (<see cref="ServiceLifecycleStage.ApplicationServices"/>) initialize, in every silo that calls
/// <see cref="WarrantyStorageExtensions.AddWarrantyStorage(Orleans.Hosting.ISiloBuilder)"/>, after creating a SQLite
/// store's file (<see cref="WarrantyStorageOptions.PrepareSqliteFile"/>). Also announces where the state lives.
/// </summary>
internal sealed partial class SchemaInstallerLifecycle(
    IOptions<WarrantyStorageOptions> options,
    ILogger<SchemaInstallerLifecycle> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly WarrantyStorageOptions _options = options.Value;
    private readonly ILogger<SchemaInstallerLifecycle> _logger = logger;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaInstallerLifecycle), ServiceLifecycleStage.First, StartAsync);

    private async Task StartAsync(CancellationToken ct)
    {
        switch (_options.Kind)
        {
            case StorageKind.Memory:
                LogMemory(_logger);
                return;
            case StorageKind.Sqlite when _options.UsesDefaultSqliteFile:
                LogDefaultSqlite(_logger, _options.Describe(), WarrantyStorageOptions.ConnectionStringName);
                break;
            default:
                LogLocation(_logger, _options.Describe());
                break;
        }

        _options.PrepareSqliteFile();
        await SchemaInstaller.EnsureAsync(_options.Kind, _options.ConnectionString, _logger, ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain state is kept in memory only (Warranty:Storage=memory): everything is lost when the process exits")]
    private static partial void LogMemory(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain state is stored in the {Location} (the default; set ConnectionStrings:{Name} to choose another file)")]
    private static partial void LogDefaultSqlite(ILogger logger, string location, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain state is stored in the {Location}")]
    private static partial void LogLocation(ILogger logger, string location);
}
