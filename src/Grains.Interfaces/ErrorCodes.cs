namespace Warranty.Grains.Interfaces;

/// <summary>
/// Every <c>code</c> a problem document of the service can carry (API.md), and every code of the bulk import's error
/// lines: clients branch on these, never on the text. Each is a stable snake_case string, defined here once, so the
/// grains, the HTTP front door, the import and the OpenAPI document's examples cannot spell one two ways
/// (docs/rules.md explains each).
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

    // The HTTP front door's own answers, given before or around a grain call (src/Api/Http).

    /// <summary>401: no bearer token, or one that is not valid.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>403: the token's role (or a subscriber's line) does not allow the request.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>404 for an unknown route (a resource the grains do not know has its own code, e.g. <see cref="LineNotFound"/>).</summary>
    public const string NotFound = "not_found";

    public const string MethodNotAllowed = "method_not_allowed";
    public const string NotAcceptable = "not_acceptable";

    /// <summary>413: a body over the limit; in an import's error lines, a body past the import's limit.</summary>
    public const string PayloadTooLarge = "payload_too_large";

    public const string UnsupportedMediaType = "unsupported_media_type";

    /// <summary>409: the billing run, reports and projections need the read model, which the memory store does not keep.</summary>
    public const string NoReadModel = "no_read_model";

    /// <summary>429 the framework produced by itself; the service's own limits answer <see cref="RateLimited"/> or <see cref="TooManyRefusals"/>.</summary>
    public const string TooManyRequests = "too_many_requests";

    /// <summary>409: a request with the same principal and Idempotency-Key is still being served by this front door.</summary>
    public const string IdempotencyKeyInFlight = "idempotency_key_in_flight";

    /// <summary>429: the principal is over its request rate.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>503: the process is at its limit of concurrent requests.</summary>
    public const string Overloaded = "overloaded";

    /// <summary>503: the cluster did not answer (a silo died or the cluster is changing); also an import record's.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>500: an unexpected failure; also an import record's.</summary>
    public const string InternalError = "internal_error";

    /// <summary>Any other status the framework produced by itself, which has no code of its own.</summary>
    public const string OtherError = "error";

    // Codes of the bulk import's NDJSON error lines only, never sent as an HTTP status.

    /// <summary>The line exists with another plan, SIM type, service start date or option.</summary>
    public const string LineExistsDifferent = "line_exists_different";

    /// <summary>The line already covers another device; an import never replaces a registered device.</summary>
    public const string DeviceExistsDifferent = "device_exists_different";

    /// <summary>An NDJSON line longer than the limit; skipped up to the next newline.</summary>
    public const string LineTooLong = "line_too_long";
}
