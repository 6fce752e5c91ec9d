namespace Warranty.Grains.Interfaces;

// Enum members are serialised by name in JSON (snake_case on the wire); the numeric values are
// part of the Orleans wire format and of nothing else. Never renumber.

[GenerateSerializer, Alias("warranty.plan")]
public enum Plan
{
    Giga = 0,
    Legacy = 1,
}

[GenerateSerializer, Alias("warranty.sim-type")]
public enum SimType
{
    Physical = 0,
    Esim = 1,
}

[GenerateSerializer, Alias("warranty.device-kind")]
public enum DeviceKind
{
    Android = 0,
    Ios = 1,
    Windows = 2,
    Router = 3,
}

[GenerateSerializer, Alias("warranty.line-status")]
public enum LineStatus
{
    Active = 0,
    Cancelled = 1,
}

[GenerateSerializer, Alias("warranty.option-status")]
public enum OptionStatus
{
    AwaitingRegistration = 0,
    Active = 1,
    LapsedUnregistered = 2,
    Terminated = 3,
}

[GenerateSerializer, Alias("warranty.device-status")]
public enum DeviceStatus
{
    Covered = 0,
    Replaced = 1,
    Released = 2,
    Excluded = 3,
}

/// <summary>Why a device's coverage period on a line ended.</summary>
[GenerateSerializer, Alias("warranty.coverage-end-reason")]
public enum CoverageEndReason
{
    /// <summary>An exchange device was delivered (CLM-9) or the maker replaced the unit (CLM-6).</summary>
    Replaced = 0,

    /// <summary>Another device was registered in its place within the registration window (REG-4).</summary>
    Released = 1,

    /// <summary>Found modified at inspection (CLM-8).</summary>
    Excluded = 2,

    /// <summary>The option was terminated (COV-7).</summary>
    Terminated = 3,

    /// <summary>The line was cancelled, which terminates the option on the same date (ENR-3).</summary>
    Cancelled = 4,
}

[GenerateSerializer, Alias("warranty.charge-kind")]
public enum ChargeKind
{
    MonthlyFee = 0,
    ExchangeFee = 1,
    CodFee = 2,
    ExcessOverCap = 3,
    LoanerShipping = 4,
}

/// <summary>How a refusal maps onto the contract's error classes (API.md: 400, 404, 409, 422).</summary>
[GenerateSerializer, Alias("warranty.error-kind")]
public enum ErrorKind
{
    Invalid = 0,
    NotFound = 1,
    Conflict = 2,
    Refused = 3,

    /// <summary>Too many attempts: answered 429 with a Retry-After.</summary>
    TooMany = 4,
}

[GenerateSerializer, Alias("warranty.incident")]
public enum Incident
{
    ScreenCrack = 0,
    WaterDamage = 1,
    TotalBreakage = 2,
    PartialBreakage = 3,
    NaturalFailure = 4,
    Theft = 5,
    Loss = 6,
}

[GenerateSerializer, Alias("warranty.claim-status")]
public enum ClaimStatus
{
    Received = 0,
    Inspecting = 1,
    Repairing = 2,
    ExchangePending = 3,
    ExchangeShipped = 4,
    Completed = 5,
    Withdrawn = 6,
    Rejected = 7,
}

[GenerateSerializer, Alias("warranty.claim-service")]
public enum ClaimService
{
    Repair = 0,
    Exchange = 1,
}

[GenerateSerializer, Alias("warranty.inspection-outcome")]
public enum InspectionOutcome
{
    Repair = 0,
    Exchange = 1,
    Reject = 2,
}

[GenerateSerializer, Alias("warranty.reject-reason")]
public enum RejectReason
{
    UnofficialRepair = 0,
    NotCovered = 1,
    NoFaultFound = 2,
}

[GenerateSerializer, Alias("warranty.device-change-kind")]
public enum DeviceChangeKind
{
    /// <summary>The line no longer covers the device (a correction, REG-4).</summary>
    Release = 0,

    /// <summary>The option ends: coverage runs to the end of the date (COV-7).</summary>
    EndCoverage = 1,

    /// <summary>
    /// Claims of the device that the line no longer keeps (archived): the device stores their references. (Also what
    /// a line of an earlier version sent for each filing.)
    /// </summary>
    AddClaim = 2,

    /// <summary>The device was exchanged or replaced by the maker (CLM-6, CLM-9).</summary>
    Replaced = 3,

    /// <summary>The device becomes the covered device in place of another (CLM-6, CLM-9).</summary>
    BecomeCovered = 4,

    /// <summary>Found modified at inspection (CLM-8).</summary>
    Exclude = 5,
}
