namespace Warranty.Grains.Interfaces;

/// <summary>
/// A refusal: a stable snake_case <see cref="Code"/> (API.md), the class of error, every failed
/// SPEC rule ID where rules failed, and field errors for malformed requests.
/// </summary>
[GenerateSerializer, Immutable, Alias("warranty.error")]
public sealed record WarrantyError(
    [property: Id(0)] ErrorKind Kind,
    [property: Id(1)] string Code,
    [property: Id(2)] string Detail,
    [property: Id(3)] IReadOnlyList<string> Rules,
    [property: Id(4)] IReadOnlyDictionary<string, string[]>? Errors = null,
    [property: Id(5)] int? RetryAfterSeconds = null)
{
    public static WarrantyError Invalid(string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(ErrorKind.Invalid, code, detail, [], errors);

    public static WarrantyError InvalidField(string field, string message) =>
        new(ErrorKind.Invalid, ErrorCodes.InvalidRequest, message, [], new Dictionary<string, string[]> { [field] = [message] });

    public static WarrantyError NotFound(string code, string detail) => new(ErrorKind.NotFound, code, detail, []);

    public static WarrantyError Conflict(string code, string detail, params string[] rules) => new(ErrorKind.Conflict, code, detail, rules);

    public static WarrantyError Refused(string code, string detail, IReadOnlyList<string> rules) => new(ErrorKind.Refused, code, detail, rules);

    public static WarrantyError TooMany(string code, string detail, TimeSpan retryAfter) =>
        new(ErrorKind.TooMany, code, detail, [], null, Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)));
}

/// <summary>Either a value or a refusal. Grains answer refusals as values, never as exceptions.</summary>
[GenerateSerializer, Immutable, Alias("warranty.result`1")]
public sealed record Result<T>([property: Id(0)] T? Value, [property: Id(1)] WarrantyError? Error)
{
    public bool IsSuccess => Error is null;

    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Fail(WarrantyError error) => new(default, error);

    public static implicit operator Result<T>(WarrantyError error) => Fail(error);
}

/// <summary>A success with no value.</summary>
[GenerateSerializer, Immutable, Alias("warranty.done")]
public sealed record Done
{
    public static readonly Done Instance = new();
}

public static class ErrorCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidImei = "invalid_imei";
    public const string TimestampInFuture = "timestamp_in_future";
    public const string ModelNotFound = "model_not_found";
    public const string NotExchangeDesignated = "not_exchange_designated";
    public const string LineExists = "line_exists";
    public const string LineNotFound = "line_not_found";
    public const string LineCancelled = "line_cancelled";
    public const string OptionEnrollmentClosed = "option_enrollment_closed";
    public const string NoOption = "no_option";
    public const string OptionNotActive = "option_not_active";
    public const string RegistrationWindowClosed = "registration_window_closed";
    public const string DeviceCoveredElsewhere = "device_covered_elsewhere";
    public const string DeviceIneligible = "device_ineligible";
    public const string DeviceNotFound = "device_not_found";
}

public static class ClaimErrorCodes
{
    public const string ClaimRefused = "claim_refused";
    public const string ClaimNotFound = "claim_not_found";
    public const string InvalidClaimTransition = "invalid_claim_transition";
    public const string TimestampOutOfOrder = "timestamp_out_of_order";
    public const string ConsentFormMissing = "consent_form_missing";
    public const string ExchangeNotAvailable = "exchange_not_available";
    public const string OutOfStock = "out_of_stock";
    public const string ReplacementNotDesignated = "replacement_not_designated";
    public const string InitialDefectWindowPassed = "initial_defect_window_passed";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string TooManyRefusals = "too_many_refusals";
}
