using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Warranty.Grains.Domain;
using Warranty.Grains.Hosting;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

/// <summary>The one settings idiom (<see cref="Settings"/>): registered options and the builder-time read agree.</summary>
public sealed class SettingsTests
{
    [Fact]
    public void Defaults_hold_when_nothing_is_configured()
    {
        var fees = Settings.Read<FeeOptions>(TestConfiguration.Of());
        var reception = Settings.Read<ReceptionOptions>(TestConfiguration.Of());
        var limits = Settings.Read<AbuseLimitOptions>(TestConfiguration.Of());
        var dashboard = Settings.Read<DashboardSettings>(TestConfiguration.Of());
        var telemetry = Settings.Read<TelemetryOptions>(TestConfiguration.Of());

        Assert.Equal((330, 1_100), (fees.CodFeeYen, fees.LoanerShippingYen));
        Assert.Equal(("0120-000-101", "0120-000-102"), (reception.GigaPhone, reception.LegacyPhone));
        Assert.Equal((30, TimeSpan.FromMinutes(10)), (limits.RefusalsPerLine, limits.RefusalWindow));
        Assert.False(dashboard.Enabled);
        Assert.True(telemetry.Metrics);
        Assert.False(telemetry.TracingOn);
        Assert.Null(telemetry.OtlpEndpoint);
        Assert.Null(telemetry.MetricsPort);
    }

    [Theory]
    [InlineData("Warranty:Fees:CodFeeYen", "-1", "Fees cannot be negative.")]
    [InlineData("Warranty:Reception:GigaPhone", " ", "Both reception phone numbers must be set.")]
    [InlineData("Warranty:Limits:RefusalWindow", "00:00:00", "Warranty:Limits:RefusalsPerLine and RefusalWindow must be positive.")]
    public void A_broken_rule_fails_the_registered_options_and_the_read_with_the_same_message(string key, string value, string message)
    {
        var configuration = TestConfiguration.Of((key, value));
        var services = new ServiceCollection().AddSingleton(configuration).AddWarrantyGrainServices();
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = provider.GetRequiredService<IOptions<FeeOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<ReceptionOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<AbuseLimitOptions>>().Value;
        });
        Assert.Equal(message, failure.Message);
        var read = Assert.Throws<SettingsException>(() =>
        {
            Settings.Read<FeeOptions>(configuration);
            Settings.Read<ReceptionOptions>(configuration);
            Settings.Read<AbuseLimitOptions>(configuration);
        });
        Assert.Equal(message, read.Message);
    }

    [Fact]
    public void Configured_values_reach_the_grains_options()
    {
        var services = new ServiceCollection()
            .AddSingleton(TestConfiguration.Of(("Warranty:Fees:CodFeeYen", "440"), ("Warranty:Reception:LegacyPhone", "0120-123-456")))
            .AddWarrantyGrainServices();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(440, provider.GetRequiredService<IOptions<FeeOptions>>().Value.CodFeeYen);
        Assert.Equal(1_100, provider.GetRequiredService<IOptions<FeeOptions>>().Value.LoanerShippingYen);
        Assert.Equal("0120-123-456", provider.GetRequiredService<IOptions<ReceptionOptions>>().Value.LegacyPhone);
    }

    [Fact]
    public void Registering_twice_checks_once()
    {
        var services = new ServiceCollection().AddSingleton(TestConfiguration.Of(("Warranty:Fees:CodFeeYen", "-1")));
        services.AddSettings<FeeOptions>();
        services.AddSettings<FeeOptions>();
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FeeOptions>>().Value);
        Assert.Equal("Fees cannot be negative.", failure.Message);
    }

    [Fact]
    public void Telemetry_falls_back_to_the_standard_OTLP_variable_and_then_traces_by_default()
    {
        var standard = Settings.Read<TelemetryOptions>(TestConfiguration.Of(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")));
        var both = Settings.Read<TelemetryOptions>(TestConfiguration.Of(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"), ("Warranty:Telemetry:OtlpEndpoint", "http://127.0.0.1:4318"),
            ("Warranty:Telemetry:Tracing", "false"), ("Warranty:Telemetry:MetricsPort", "9464")));

        Assert.Equal("http://127.0.0.1:4317", standard.OtlpEndpoint);
        Assert.True(standard.TracingOn);
        Assert.Equal("http://127.0.0.1:4318", both.OtlpEndpoint);
        Assert.False(both.TracingOn);
        Assert.Equal(9464, both.MetricsPort);
    }

    [Fact]
    public void A_metrics_port_that_is_not_a_number_is_no_port()
    {
        Assert.Null(Settings.Read<TelemetryOptions>(TestConfiguration.Of(("Warranty:Telemetry:MetricsPort", "none"))).MetricsPort);
    }

    [Fact]
    public void The_dashboard_is_enabled_by_its_setting()
    {
        Assert.True(Settings.Read<DashboardSettings>(TestConfiguration.Of(("Warranty:Dashboard:Enabled", "true"))).Enabled);
    }

    [Fact]
    public void A_settings_failure_is_one_message_whether_read_while_building_or_validated_at_start()
    {
        var read = Assert.Throws<SettingsException>(() => Settings.Read<AbuseLimitOptions>(TestConfiguration.Of(("Warranty:Limits:RefusalsPerLine", "0"))));
        var services = new ServiceCollection().AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(TestConfiguration.Of(("Warranty:Limits:RefusalsPerLine", "0")));
        services.AddSettings<AbuseLimitOptions>();
        var validated = Assert.Throws<OptionsValidationException>(() => services.BuildServiceProvider().GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(read.Message, Settings.FailureOf(read));
        Assert.Equal(read.Message, Settings.FailureOf(validated));
        Assert.Equal($"{read.Message} {read.Message}", Settings.FailureOf(new AggregateException(read, validated)));
        Assert.Null(Settings.FailureOf(new InvalidOperationException("not a setting")));
        Assert.Null(Settings.FailureOf(new AggregateException(read, new IOException("disk"))));
    }
}
