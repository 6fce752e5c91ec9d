using Warranty.Grains.Hosting;
using Warranty.Grains.Interfaces;
using Warranty.Grains.Storage;

namespace Warranty.Api.Hosting;

/// <summary>
/// <c>Warranty.Api backup PATH</c>: copies the configured SQLite store to PATH (<see cref="SqliteBackup"/>), consistently,
/// while the service runs. It reads the configuration exactly as the service does (appsettings, environment, so
/// <c>ConnectionStrings__Warranty</c>), starts nothing, and prints one line. Exit codes: 0 done, 1 failed, 2 bad usage
/// or a store this command does not copy (PostgreSQL: pg_dump, see the README's Operating section; memory: nothing).
/// </summary>
public static class BackupCommand
{
    public const string Name = "backup";

    private const string Usage = "usage: backup PATH   (copies the SQLite store to PATH, which must not exist)";

    public static bool IsInvoked(string[] args) => args is [Name, ..];

    public static int Run(string[] args)
    {
        if (args is not [Name, var target] || string.IsNullOrWhiteSpace(target))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddShippedSettings();
        var configuration = builder.Configuration;
        try
        {
            var storage = Settings.Bind<WarrantyStorageOptions>(configuration);
            switch (storage.Kind)
            {
                case StorageKind.Postgres:
                    Console.Error.WriteLine("backup: the store is PostgreSQL; back it up with pg_dump (README, Operating: Backups).");
                    return 2;
                case StorageKind.Memory:
                    Console.Error.WriteLine("backup: the store is process memory (Warranty:Storage=memory); there is nothing to back up.");
                    return 2;
            }

            var source = storage.UsesDefaultSqliteFile
                ? WarrantyStorageOptions.DefaultSqlitePath
                : WarrantyStorageOptions.SqliteFilePath(storage.ConfiguredConnectionString!)
                    ?? throw new InvalidOperationException("ConnectionStrings:Warranty names no SQLite file.");
            var report = SqliteBackup.Copy(source, target);
            Console.Out.WriteLine(
                $"backup: copied the SQLite store {report.Source} to {report.Target} ({report.Bytes:N0} bytes, {report.Took.TotalMilliseconds:0} ms).");
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            Console.Error.WriteLine($"backup: {ex.Message}");
            return 1;
        }
    }
}
