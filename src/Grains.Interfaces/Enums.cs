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
}
