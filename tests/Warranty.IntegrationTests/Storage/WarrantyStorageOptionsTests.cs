using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Warranty.Grains.Hosting;
using Warranty.Grains.Interfaces;
using Warranty.Grains.Storage;

namespace Warranty.IntegrationTests.Storage;

public sealed class WarrantyStorageOptionsTests
{
    [Theory]
    [InlineData(null, StorageKind.Sqlite)]
    [InlineData("", StorageKind.Sqlite)]
    [InlineData("SQLite", StorageKind.Sqlite)]
    [InlineData("Postgres", StorageKind.Postgres)]
    [InlineData("MEMORY", StorageKind.Memory)]
    public void Storage_kind_is_read_case_insensitively_and_defaults_to_sqlite(string? value, StorageKind expected) =>
        Assert.Equal(expected, WarrantyStorageOptions.ParseKind(value));

    [Fact]
    public void An_unknown_storage_kind_fails_naming_the_setting_and_the_choices()
    {
        var error = Assert.Throws<SettingsException>(() => Read(Config(("Warranty:Storage", "mongo"))));

        Assert.Contains("Warranty__Storage", error.Message);
        Assert.Contains("'mongo'", error.Message);
        Assert.Contains("sqlite", error.Message);
    }

    [Fact]
    public void Postgres_without_a_connection_string_fails_naming_the_setting()
    {
        var error = Assert.Throws<SettingsException>(() => Read(Config(("Warranty:Storage", "postgres"))));

        Assert.Contains("ConnectionStrings__Warranty", error.Message);
    }

    [Fact]
    public void Sqlite_without_a_connection_string_uses_the_documented_default_file()
    {
        var options = Read(Config());
        options.PrepareSqliteFile();

        var home = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        var expected = Path.Combine(home, "warranty", "warranty.db");
        Assert.Equal(expected, WarrantyStorageOptions.DefaultSqlitePath);
        Assert.True(options.UsesDefaultSqliteFile);
        Assert.Contains(expected, options.ConnectionString);
        Assert.True(Directory.Exists(Path.GetDirectoryName(expected)));
        Assert.Equal("warranty", options.ClusterId);
        Assert.Equal("warranty", options.ServiceId);
    }

    [Fact]
    public void Reading_the_settings_creates_nothing_and_the_start_up_step_creates_the_folder_and_an_owner_only_file()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"warranty-prepare-{Guid.NewGuid():N}");
        var path = Path.Combine(folder, "nested", "warranty.db");
        try
        {
            var options = Read(Config(("ConnectionStrings:Warranty", $"Data Source={path}")));

            Assert.False(options.UsesDefaultSqliteFile);
            Assert.Contains(path, options.Describe());
            Assert.False(Directory.Exists(folder));

            options.PrepareSqliteFile();

            Assert.True(File.Exists(path));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("Warranty:SiloPort", "abc")]
    [InlineData("Warranty:GatewayPort", "70000")]
    public void A_port_that_is_not_one_fails_naming_the_setting(string key, string value)
    {
        var error = Assert.Throws<SettingsException>(() => Read(Config(("Warranty:Storage", "memory"), (key, value))));

        Assert.Equal($"{key} must be a TCP port number (1-65535); got '{value}'.", error.Message);
    }

    [Fact]
    public void An_empty_port_is_unset()
    {
        var options = Read(Config(("Warranty:Storage", "memory"), ("Warranty:SiloPort", ""), ("Warranty:GatewayPort", "30001")));

        Assert.Null(options.SiloPort);
        Assert.Equal(30001, options.GatewayPort);
    }

    [Theory]
    [InlineData("Data Source=:memory:", "names no file")]
    [InlineData("Nope=1", "is not a valid SQLite (Microsoft.Data.Sqlite) connection string")]
    public void A_sqlite_connection_string_without_a_file_fails_naming_the_setting(string connectionString, string expected)
    {
        var error = Assert.Throws<SettingsException>(() => Read(Config(("ConnectionStrings:Warranty", connectionString))));

        Assert.Contains("ConnectionStrings:Warranty", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void The_registered_options_bind_the_same_keys_and_fail_the_start_with_the_same_message()
    {
        var services = new ServiceCollection().AddSingleton(Config(("Warranty:Storage", "postgres")));
        services.AddSettings<WarrantyStorageOptions>();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WarrantyStorageOptions>>().Value);
        Assert.Equal(Assert.Throws<SettingsException>(() => Read(Config(("Warranty:Storage", "postgres")))).Message, error.Message);
    }

    [Fact]
    public void Describing_postgres_never_shows_the_password()
    {
        var options = Read(Config(
            ("Warranty:Storage", "postgres"),
            ("ConnectionStrings:Warranty", "Host=db;Database=warranty;Username=app;Password=s3cret")));

        Assert.DoesNotContain("s3cret", options.Describe());
        Assert.Contains("warranty", options.Describe());
    }

    [Theory]
    [InlineData("Host=db;Database=warranty", 16, 8, true)]
    [InlineData("Host=db;Database=warranty;Maximum Pool Size=100", 100, 8, true)]
    [InlineData("Host=db;Database=warranty;maxpoolsize=40;Max Auto Prepare=0;No Reset On Close=false", 40, 0, false)]
    public void Postgres_pool_auto_prepare_and_reset_have_defaults_that_the_connection_string_overrides(string given, int pool, int autoPrepare, bool noReset)
    {
        var options = Read(Config(("Warranty:Storage", "postgres"), ("ConnectionStrings:Warranty", given)));

        var used = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
        Assert.Equal(pool, used.MaxPoolSize);
        Assert.Equal(autoPrepare, used.MaxAutoPrepare);
        Assert.Equal(noReset, used.NoResetOnClose);
    }

    [Fact]
    public void Memory_needs_no_connection_string()
    {
        var options = Read(Config(("Warranty:Storage", "memory"), ("Warranty:ServiceId", "svc")));

        Assert.Equal(StorageKind.Memory, options.Kind);
        Assert.Equal("svc", options.ServiceId);
    }

    private static WarrantyStorageOptions Read(IConfiguration configuration) => Settings.Read<WarrantyStorageOptions>(configuration);

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
}
