using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Warranty.Grains.Storage;

/// <summary>
/// Where grain state and cluster membership live, read from configuration:
/// <list type="bullet">
/// <item><c>Warranty:Storage</c> (env <c>Warranty__Storage</c>): <c>sqlite</c> (default), <c>postgres</c> or <c>memory</c>, case-insensitive.</item>
/// <item><c>ConnectionStrings:Warranty</c> (env <c>ConnectionStrings__Warranty</c>): the store's connection string.
/// Required for postgres; for sqlite it defaults to the file <see cref="DefaultSqlitePath"/>.</item>
/// <item><c>Warranty:ClusterId</c> and <c>Warranty:ServiceId</c>: default <c>warranty</c>.</item>
/// <item><c>Warranty:SiloPort</c> and <c>Warranty:GatewayPort</c>: optional; localhost clustering uses 11111 and 30000 unless set.</item>
/// </list>
/// </summary>
public sealed class WarrantyStorageOptions
{
    public const string StorageKey = "Warranty:Storage";
    public const string ConnectionStringName = "Warranty";
    public const string ClusterIdKey = "Warranty:ClusterId";
    public const string ServiceIdKey = "Warranty:ServiceId";
    public const string SiloPortKey = "Warranty:SiloPort";
    public const string GatewayPortKey = "Warranty:GatewayPort";
    public const string DefaultId = "warranty";

    /// <summary>Name of the grain storage provider: grains use <c>[PersistentState("…", "warranty")]</c>.</summary>
    public const string ProviderName = "warranty";

    public StorageKind Kind { get; init; } = StorageKind.Sqlite;

    /// <summary>The connection string actually used; empty for <see cref="StorageKind.Memory"/>.</summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>True when sqlite runs on <see cref="DefaultSqlitePath"/> because no connection string was given.</summary>
    public bool UsesDefaultSqliteFile { get; init; }

    public string ClusterId { get; init; } = DefaultId;

    public string ServiceId { get; init; } = DefaultId;

    public int? SiloPort { get; init; }

    public int? GatewayPort { get; init; }

    /// <summary>
    /// The SQLite file used when no connection string is configured:
    /// <c>&lt;LocalApplicationData&gt;/warranty/warranty.db</c>, that is <c>$XDG_DATA_HOME/warranty/warranty.db</c>
    /// or <c>~/.local/share/warranty/warranty.db</c> on Linux and <c>%LOCALAPPDATA%\warranty\warranty.db</c> on Windows.
    /// The folder is created at start-up when missing.
    /// </summary>
    public static string DefaultSqlitePath { get; } = Path.Combine(
        // DoNotVerify: on a fresh machine ~/.local/share may not exist yet, and the default
        // (verifying) lookup would then return "" and put the file in the working directory.
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "warranty",
        "warranty.db");

    /// <summary>
    /// Reads and validates the settings. Throws <see cref="InvalidOperationException"/> with a message
    /// naming the setting when a value is unknown or a required one is missing, so the host fails at start.
    /// For sqlite, creates the database file's folder.
    /// </summary>
    public static WarrantyStorageOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        var kind = ParseKind(configuration[StorageKey]);
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        var usesDefaultFile = false;

        switch (kind)
        {
            case StorageKind.Postgres when string.IsNullOrWhiteSpace(connectionString):
                throw new InvalidOperationException(
                    "Warranty:Storage is 'postgres' but no connection string is configured: set ConnectionStrings:Warranty " +
                    "(environment variable ConnectionStrings__Warranty), e.g. 'Host=localhost;Username=warranty;Password=…;Database=warranty'.");
            case StorageKind.Postgres:
                connectionString = ValidatePostgres(connectionString!);
                break;
            case StorageKind.Sqlite when string.IsNullOrWhiteSpace(connectionString) && !Path.IsPathRooted(DefaultSqlitePath):
                throw new InvalidOperationException(
                    "Warranty:Storage is 'sqlite' and no connection string is configured, but this user has no local application " +
                    "data folder (HOME is not set): set ConnectionStrings:Warranty (environment variable ConnectionStrings__Warranty) " +
                    "to 'Data Source=<path to a .db file>'.");
            case StorageKind.Sqlite when string.IsNullOrWhiteSpace(connectionString):
                connectionString = new SqliteConnectionStringBuilder { DataSource = DefaultSqlitePath }.ToString();
                usesDefaultFile = true;
                break;
            case StorageKind.Memory:
                connectionString = "";
                break;
        }

        if (kind == StorageKind.Sqlite)
        {
            connectionString = PrepareSqlite(connectionString!);
        }

        return new WarrantyStorageOptions
        {
            Kind = kind,
            ConnectionString = connectionString ?? "",
            UsesDefaultSqliteFile = usesDefaultFile,
            ClusterId = NonEmpty(configuration[ClusterIdKey]) ?? DefaultId,
            ServiceId = NonEmpty(configuration[ServiceIdKey]) ?? DefaultId,
            SiloPort = ParsePort(configuration, SiloPortKey),
            GatewayPort = ParsePort(configuration, GatewayPortKey),
        };
    }

    /// <summary>Parses a <c>Warranty:Storage</c> value; null or empty means the default, sqlite.</summary>
    public static StorageKind ParseKind(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return StorageKind.Sqlite;
        }

        return value.Trim().ToLowerInvariant() switch
        {
            "sqlite" => StorageKind.Sqlite,
            "postgres" => StorageKind.Postgres,
            "memory" => StorageKind.Memory,
            _ => throw new InvalidOperationException(
                $"Unknown Warranty:Storage value '{value}' (environment variable Warranty__Storage): use 'sqlite' (the default), 'postgres' or 'memory'."),
        };
    }

    /// <summary>Where the state is, for the start-up log line; never includes a password.</summary>
    public string Describe() => Kind switch
    {
        StorageKind.Sqlite => $"SQLite file {SqliteFilePath(ConnectionString)}",
        StorageKind.Postgres => DescribePostgres(ConnectionString),
        _ => "process memory",
    };

    /// <summary>
    /// Connections per process when the connection string does not set <c>Maximum Pool Size</c>. Npgsql's
    /// own default (100) lets a busy silo run up to 100 statements at once, and PostgreSQL then spends
    /// its cores switching between backends: on the 2-core benchmark machine a pool of 8–16 answered cold
    /// lookups with a p99 of 134 ms where 200 connections gave 941 ms (README, "Benchmark"). Statements
    /// beyond the pool wait in the process, which costs nothing. Set it in the connection string to size
    /// it for a larger server.
    /// </summary>
    public const int DefaultPostgresPoolSize = 16;

    /// <summary>
    /// Statements Npgsql prepares per connection when the connection string does not set
    /// <c>Max Auto Prepare</c>: the storage provider runs the same few statements all the time, so
    /// PostgreSQL plans each once per connection instead of once per call.
    /// </summary>
    public const int DefaultPostgresAutoPrepare = 8;

    // No Reset On Close defaults to true when the connection string does not set it: the provider's
    // statements leave no session state behind, and the reset Npgsql otherwise sends with the next statement
    // cost PostgreSQL about a third of its CPU in the cold-lookup benchmark (265 against 172 jiffies).

    private static string ValidatePostgres(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
            if (!SetsAny(given, "Maximum Pool Size", "Max Pool Size", "MaxPoolSize"))
            {
                builder.MaxPoolSize = DefaultPostgresPoolSize;
            }

            if (!SetsAny(given, "Max Auto Prepare", "MaxAutoPrepare"))
            {
                builder.MaxAutoPrepare = DefaultPostgresAutoPrepare;
            }

            if (!SetsAny(given, "No Reset On Close", "NoResetOnClose"))
            {
                builder.NoResetOnClose = true;
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:Warranty is not a valid PostgreSQL (Npgsql) connection string: {ex.Message}", ex);
        }
    }

    private static bool SetsAny(System.Data.Common.DbConnectionStringBuilder given, params string[] keys) =>
        keys.Any(key => given.Keys.Cast<string>().Any(k => string.Equals(k.Replace(" ", ""), key.Replace(" ", ""), StringComparison.OrdinalIgnoreCase)));

    private static string PrepareSqlite(string connectionString)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:Warranty is not a valid SQLite (Microsoft.Data.Sqlite) connection string: {ex.Message}", ex);
        }

        var path = SqliteFilePath(builder.ConnectionString);
        if (path is null)
        {
            throw new InvalidOperationException(
                "Warranty:Storage is 'sqlite' but ConnectionStrings:Warranty names no file ('Data Source=<path>'); " +
                "use Warranty:Storage=memory for state that need not survive a restart.");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        // Subscribers' data: readable by the service's user only.
        SqliteStoreLock.CreatePrivate(path);
        return builder.ConnectionString;
    }

    /// <summary>The database file named by a SQLite connection string, or null for an in-memory database.</summary>
    public static string? SqliteFilePath(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var source = builder.DataSource;
        if (string.IsNullOrWhiteSpace(source)
            || source == ":memory:"
            || builder.Mode == SqliteOpenMode.Memory)
        {
            return null;
        }

        return Path.GetFullPath(source);
    }

    private static string DescribePostgres(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL database '{builder.Database}' on {builder.Host}:{builder.Port} as '{builder.Username}'";
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static int? ParsePort(IConfiguration configuration, string key)
    {
        var value = NonEmpty(configuration[key]);
        if (value is null)
        {
            return null;
        }

        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is > 0 and <= 65535)
        {
            return port;
        }

        throw new InvalidOperationException($"{key} must be a TCP port number (1-65535); got '{value}'.");
    }
}
