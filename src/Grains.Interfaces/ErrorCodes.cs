namespace Warranty.Grains.Interfaces;

/// <summary>
/// Every <c>code</c> a problem document of the service can carry (API.md): clients branch on these, never on the
/// text. Each is a stable snake_case string.
/// </summary>
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
