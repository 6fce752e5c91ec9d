using System.Globalization;
using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

/// <summary>Builders shared by the rule tests. Every date is passed in: nothing reads the clock.</summary>
internal static class TestData
{
    public const string Tac = "35209900";

    public static readonly string ImeiA = Imei.WithCheckDigit(Tac + "000001");
    public static readonly string ImeiB = Imei.WithCheckDigit(Tac + "000002");

    /// <summary>A model that passes every catalogue check (REG-6a, d, e, f; REG-7f, g) for a start in 2026.</summary>
    public static CatalogModel Model(
        DateOnly? releaseDate = null,
        bool wifiOnly = false,
        bool soldInJapan = true,
        bool hasGiteki = true,
        bool repairableInJapan = true,
        DeviceKind kind = DeviceKind.Android) =>
        new(Tac, "Maker", "Phone 1", kind, releaseDate ?? new DateOnly(2025, 6, 1), wifiOnly, soldInJapan, hasGiteki, repairableInJapan, false);

    /// <summary>Declarations that pass every declared check (REG-6b, c; REG-7a–e, h).</summary>
    public static Declarations CleanDeclarations { get; } = new(
        ConditionOk: true,
        OwnedBySubscriber: true,
        RentedOrLeased: false,
        BusinessUse: false,
        UnofficialRepairOrModification: false,
        ThirdPartyLostOrStolen: false,
        IllegallyUnlocked: false,
        CoveredByOtherWarranty: false);

    /// <summary>A date written as the contract writes it, yyyy-MM-dd.</summary>
    public static DateOnly D(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateTimeOffset JapanInstant(int year, int month, int day, int hour = 12, int minute = 0) =>
        new(year, month, day, hour, minute, 0, JapanTime.Offset);

    public static CoveredDevice Device(
        string? imei = null,
        DeviceKind kind = DeviceKind.Android,
        DateOnly? releaseDate = null,
        DateTimeOffset? registeredAt = null)
    {
        var value = imei ?? ImeiA;
        return new CoveredDevice(
            value,
            Imei.TacOf(value),
            "Phone 1",
            kind,
            releaseDate ?? new DateOnly(2025, 6, 1),
            registeredAt ?? JapanInstant(2026, 1, 12));
    }

    /// <summary>A line started on <paramref name="serviceStartDate"/> with a fresh option (ENR-1).</summary>
    public static LineState LineWithOption(DateOnly serviceStartDate, Plan plan = Plan.Legacy) => new()
    {
        LineId = "line-1",
        Exists = true,
        Plan = plan,
        SimType = SimType.Physical,
        ServiceStartDate = serviceStartDate,
        CreatedAt = JapanInstant(serviceStartDate.Year, serviceStartDate.Month, serviceStartDate.Day),
        Option = EnrollmentRules.NewOption(serviceStartDate),
    };

    /// <summary>A line whose option covers <paramref name="device"/>.</summary>
    public static LineState LineWithDevice(DateOnly serviceStartDate, CoveredDevice device, DateOnly? terminatedOn = null)
    {
        var line = LineWithOption(serviceStartDate);
        return line with
        {
            Option = line.Option! with { Device = device, Registered = true, TerminatedOn = terminatedOn },
        };
    }

    public static LineState LineWithoutOption(DateOnly serviceStartDate) => LineWithOption(serviceStartDate) with { Option = null };
}
