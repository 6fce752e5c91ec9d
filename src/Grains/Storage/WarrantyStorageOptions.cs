using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Warranty.Grains.Hosting;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Storage;

/// <summary>
/// Where grain state and cluster membership live (an <see cref="ISettings"/> class). Its keys are not under one section,
/// so it binds the configuration's root and names each key in full:
/// <list type="bullet">
/// <item><c>Warranty:Storage</c> (env <c>Warranty__Storage</c>): <c>sqlite</c> (default), <c>postgres</c> or <c>memory</c>, case-insensitive.</item>
/// <item><c>ConnectionStrings:Warranty</c> (env <c>ConnectionStrings__Warranty</c>): the store's connection string.
/// Required for postgres; for sqlite it defaults to the file <see cref="DefaultSqlitePath"/>.</item>
/// <item><c>Warranty:ClusterId</c> and <c>Warranty:ServiceId</c>: default <c>warranty</c>.</item>
/// <item><c>Warranty:SiloPort</c> and <c>Warranty:GatewayPort</c>: optional; localhost clustering uses 11111 and 30000 unless set.</item>
/// </list>
/// The bound properties hold the values as configured; <see cref="Kind"/>, <see cref="ConnectionString"/>,
/// <see cref="ClusterId"/>, <see cref="ServiceId"/>, <see cref="SiloPort"/> and <see cref="GatewayPort"/> are what they
/// mean, once <see cref="Problems"/> found none. Binding touches no file: the SQLite file (and its folder) is created by
/// <see cref="PrepareSqliteFile"/>, a start-up step (<see cref="StartupGuards"/>, and every silo's schema installer).
/// </summary>
public sealed class WarrantyStorageOptions : ISettings
{
    public const string StorageKey = "Warranty:Storage";
    public const string ConnectionStringName = "Warranty";
    public const string ConnectionStringKey = "ConnectionStrings:" + ConnectionStringName;
    public const string ClusterIdKey = "Warranty:ClusterId";
    public const string ServiceIdKey = "Warranty:ServiceId";
    public const string SiloPortKey = "Warranty:SiloPort";
    public const string GatewayPortKey = "Warranty:GatewayPort";
    public const string DefaultId = "warranty";

    /// <summary>Name of the grain storage provider: grains use <c>[PersistentState("…", "warranty")]</c>.</summary>
    public const string ProviderName = "warranty";

    /// <summary>The root: the keys above are named in full on the properties.</summary>
    public static string Section => "";

    /// <summary><c>Warranty:Storage</c> as configured (null or empty: sqlite).</summary>
    [ConfigurationKeyName(StorageKey)]
    public string? Storage { get; set; }

    /// <summary><c>ConnectionStrings:Warranty</c> as configured.</summary>
    [ConfigurationKeyName(ConnectionStringKey)]
    public string? ConfiguredConnectionString { get; set; }

    [ConfigurationKeyName(ClusterIdKey)]
    public string? ConfiguredClusterId { get; set; }

    [ConfigurationKeyName(ServiceIdKey)]
    public string? ConfiguredServiceId { get; set; }

    /// <summary><c>Warranty:SiloPort</c> as configured: text, so that a wrong value is reported naming the setting.</summary>
    [ConfigurationKeyName(SiloPortKey)]
    public string? ConfiguredSiloPort { get; set; }

    [ConfigurationKeyName(GatewayPortKey)]
    public string? ConfiguredGatewayPort { get; set; }

    public StorageKind Kind => ParseKind(Storage);

    /// <summary>
    /// The connection string actually used: the configured one with PostgreSQL's defaults added, the default SQLite file's
    /// when none is configured, empty for <see cref="StorageKind.Memory"/>.
    /// </summary>
    public string ConnectionString => Kind switch
    {
        StorageKind.Postgres => WithPostgresDefaults(ConfiguredConnectionString!),
        StorageKind.Sqlite => UsesDefaultSqliteFile
            ? new SqliteConnectionStringBuilder { DataSource = DefaultSqlitePath }.ConnectionString
            : new SqliteConnectionStringBuilder(ConfiguredConnectionString).ConnectionString,
        _ => "",
    };

    /// <summary>True when sqlite runs on <see cref="DefaultSqlitePath"/> because no connection string was given.</summary>
    public bool UsesDefaultSqliteFile => Kind == StorageKind.Sqlite && string.IsNullOrWhiteSpace(ConfiguredConnectionString);

    public string ClusterId => NonEmpty(ConfiguredClusterId) ?? DefaultId;

    public string ServiceId => NonEmpty(ConfiguredServiceId) ?? DefaultId;

    public int? SiloPort => ParsePort(ConfiguredSiloPort);

    public int? GatewayPort => ParsePort(ConfiguredGatewayPort);

    /// <summary>
    /// The SQLite file used when no connection string is configured:
    /// <c>&lt;LocalApplicationData&gt;/warranty/warranty.db</c>, that is <c>$XDG_DATA_HOME/warranty/warranty.db</c>
    /// or <c>~/.local/share/warranty/warranty.db</c> on Linux and <c>%LOCALAPPDATA%\warranty\warranty.db</c> on Windows.
    /// The folder is created at start-up when missing.
    /// </summary>
    public static string DefaultSqlitePath { get; } = Path.Combine(DataFolder.Default, "warranty.db");

    /// <summary>
    /// An unknown storage kind, a missing or malformed connection string, a SQLite store that names no file, or a port
    /// that is not a port; each message names the setting and its environment variable.
    /// </summary>
    public IEnumerable<string> Problems()
    {
        StorageKind kind;
        try
        {
            kind = Kind;
        }
        catch (InvalidOperationException unknown)
        {
            return [unknown.Message];
        }

        var problems = new List<string>();
        if (ConnectionProblem(kind) is { } connection)
        {
            problems.Add(connection);
        }

        problems.AddRange(PortProblems(SiloPortKey, ConfiguredSiloPort).Concat(PortProblems(GatewayPortKey, ConfiguredGatewayPort)));
        return problems;
    }

    /// <summary>
    /// The start-up step of a SQLite store: creates the database file's folder and the file itself, owner-only (subscribers'
    /// data), when they are missing. Nothing for the other kinds.
    /// </summary>
    public void PrepareSqliteFile()
    {
        if (Kind != StorageKind.Sqlite || SqliteFilePath(ConnectionString) is not { } path)
        {
            return;
        }

        var folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        SqliteStoreLock.CreatePrivate(path);
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

    /// <summary>What is wrong with the connection string for <paramref name="kind"/>; null when it is usable.</summary>
    private string? ConnectionProblem(StorageKind kind)
    {
        var missing = string.IsNullOrWhiteSpace(ConfiguredConnectionString);
        switch (kind)
        {
            case StorageKind.Postgres when missing:
                return "Warranty:Storage is 'postgres' but no connection string is configured: set ConnectionStrings:Warranty " +
                    "(environment variable ConnectionStrings__Warranty), e.g. 'Host=localhost;Username=warranty;Password=…;Database=warranty'.";
            case StorageKind.Postgres:
                try
                {
                    _ = WithPostgresDefaults(ConfiguredConnectionString!);
                    return null;
                }
                catch (ArgumentException ex)
                {
                    return $"ConnectionStrings:Warranty is not a valid PostgreSQL (Npgsql) connection string: {ex.Message}";
                }

            case StorageKind.Sqlite when missing && !Path.IsPathRooted(DefaultSqlitePath):
                return "Warranty:Storage is 'sqlite' and no connection string is configured, but this user has no local application " +
                    "data folder (HOME is not set): set ConnectionStrings:Warranty (environment variable ConnectionStrings__Warranty) " +
                    "to 'Data Source=<path to a .db file>'.";
            case StorageKind.Sqlite:
                string connectionString;
                try
                {
                    connectionString = ConnectionString;
                }
                catch (ArgumentException ex)
                {
                    return $"ConnectionStrings:Warranty is not a valid SQLite (Microsoft.Data.Sqlite) connection string: {ex.Message}";
                }

                return SqliteFilePath(connectionString) is null
                    ? "Warranty:Storage is 'sqlite' but ConnectionStrings:Warranty names no file ('Data Source=<path>'); " +
                      "use Warranty:Storage=memory for state that need not survive a restart."
                    : null;
            default:
                return null;
        }
    }

    /// <summary>The configured PostgreSQL connection string with this service's defaults for what it does not set.</summary>
    /// <exception cref="ArgumentException">It is not a valid Npgsql connection string.</exception>
    private static string WithPostgresDefaults(string connectionString)
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

    private static bool SetsAny(System.Data.Common.DbConnectionStringBuilder given, params string[] keys) =>
        keys.Any(key => given.Keys.Cast<string>().Any(k => string.Equals(k.Replace(" ", ""), key.Replace(" ", ""), StringComparison.OrdinalIgnoreCase)));

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

    /// <summary>A configured port: null when unset (or empty), else the number; <see cref="PortProblems"/> rejects anything else.</summary>
    private static int? ParsePort(string? configured) =>
        NonEmpty(configured) is { } value
        && int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
        && port is > 0 and <= 65535
            ? port
            : null;

    private static IEnumerable<string> PortProblems(string key, string? configured)
    {
        if (NonEmpty(configured) is { } value && ParsePort(value) is null)
        {
            yield return $"{key} must be a TCP port number (1-65535); got '{value}'.";
        }
    }
}
