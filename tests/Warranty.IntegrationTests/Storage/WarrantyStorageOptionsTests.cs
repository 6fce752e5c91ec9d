using Microsoft.Extensions.Configuration;
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
        var error = Assert.Throws<InvalidOperationException>(() => WarrantyStorageOptions.FromConfiguration(Config(("Warranty:Storage", "mongo"))));

        Assert.Contains("Warranty__Storage", error.Message);
        Assert.Contains("'mongo'", error.Message);
        Assert.Contains("sqlite", error.Message);
    }

    [Fact]
    public void Postgres_without_a_connection_string_fails_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => WarrantyStorageOptions.FromConfiguration(Config(("Warranty:Storage", "postgres"))));

        Assert.Contains("ConnectionStrings__Warranty", error.Message);
    }

    [Fact]
    public void Sqlite_without_a_connection_string_uses_the_documented_default_file()
    {
        var options = WarrantyStorageOptions.FromConfiguration(Config());

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
    public void Sqlite_with_a_connection_string_creates_the_files_folder()
    {
        using var file = new TempSqliteFile();

        var options = WarrantyStorageOptions.FromConfiguration(Config(("ConnectionStrings:Warranty", file.ConnectionString)));

        Assert.False(options.UsesDefaultSqliteFile);
        Assert.True(Directory.Exists(Path.GetDirectoryName(file.Path)));
        Assert.Contains(file.Path, options.Describe());
    }

    [Fact]
    public void Describing_postgres_never_shows_the_password()
    {
        var options = WarrantyStorageOptions.FromConfiguration(Config(
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
        var options = WarrantyStorageOptions.FromConfiguration(Config(("Warranty:Storage", "postgres"), ("ConnectionStrings:Warranty", given)));

        var used = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
        Assert.Equal(pool, used.MaxPoolSize);
        Assert.Equal(autoPrepare, used.MaxAutoPrepare);
        Assert.Equal(noReset, used.NoResetOnClose);
    }

    [Fact]
    public void Memory_needs_no_connection_string()
    {
        var options = WarrantyStorageOptions.FromConfiguration(Config(("Warranty:Storage", "memory"), ("Warranty:ServiceId", "svc")));

        Assert.Equal(StorageKind.Memory, options.Kind);
        Assert.Equal("svc", options.ServiceId);
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
}
