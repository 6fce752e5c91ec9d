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
