using System.Globalization;
using System.Text.RegularExpressions;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http;

/// <summary>
/// Turns a request's loosely typed values into values, collecting every problem, so that one 400
/// names every bad field (API.md: <c>invalid_request</c> with an <c>errors</c> map). Route and query values
/// are read with it directly; a body's fields through <see cref="FieldReader"/>, which knows which are required.
/// </summary>
public sealed partial class RequestReader(TimeProvider time)
{
    /// <summary>API.md: an <c>at</c> more than 5 minutes in the future is refused.</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);
    private bool _future;
    private bool _badImei;

    /// <summary>Now, in Japan time: timestamps are recorded and shown with +09:00.</summary>
    public DateTimeOffset Now { get; } = JapanTime.ToJapan(time.GetUtcNow());

    public bool Failed => _errors.Count > 0 || _future || _badImei;

    public void Error(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    /// <summary>The text of a field longer than <paramref name="maxLength"/> is refused.</summary>
    public string Text(string field, string value, int maxLength)
    {
        if (value.Length > maxLength)
        {
            Error(field, $"At most {maxLength} characters.");
        }

        return value;
    }

    public T Enum<T>(string field, string value) where T : struct, System.Enum
    {
        if (!WireNames.TryParse<T>(value, out var parsed))
        {
            Error(field, $"Must be one of: {string.Join(", ", WireNames.All<T>())}.");
        }

        return parsed;
    }

    public DateOnly Date(string field, string value) => ParseDate(field, value) ?? default;

    public DateOnly? OptionalDate(string field, string? value) => value is null ? null : ParseDate(field, value);

    /// <summary>
    /// Dates and timestamps outside these years are refused as malformed: no subscriber, device or claim lives
    /// there, and the rules' date arithmetic (contract years, months ahead) must never leave DateOnly's range.
    /// </summary>
    public const int MinYear = 1900;

    /// <inheritdoc cref="MinYear"/>
    public const int MaxYear = 2999;

    private DateOnly? ParseDate(string field, string value)
    {
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            if (date.Year is >= MinYear and <= MaxYear)
            {
                return date;
            }

            Error(field, $"Must be a date from {MinYear}-01-01 to {MaxYear}-12-31.");
            return null;
        }

        Error(field, "Must be a date as yyyy-MM-dd.");
        return null;
    }

    /// <summary>A timestamp with an offset, in Japan time. Too far ahead → <c>timestamp_in_future</c>.</summary>
    public DateTimeOffset Timestamp(string field, string value)
    {
        if (!OffsetSuffix().IsMatch(value)
            || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            Error(field, "Must be an ISO 8601 timestamp with an offset, e.g. 2026-04-01T10:30:00+09:00.");
            return Now;
        }

        if (at.Year is < MinYear or > MaxYear)
        {
            Error(field, $"Must be a timestamp from {MinYear} to {MaxYear}.");
            return Now;
        }

        if (at > Now + FutureTolerance)
        {
            _future = true;
        }

        return JapanTime.ToJapan(at);
    }

    /// <summary>An IMEI; a malformed one (REG-3) is <c>invalid_imei</c> rather than <c>invalid_request</c>.</summary>
    public string Imei(string field, string value)
    {
        if (!Grains.Interfaces.Imei.IsValid(value))
        {
            _badImei = true;
        }

        return value;
    }

    public (int Year, int Month) Month(string field, string? value)
    {
        if (value is null)
        {
            Error(field, "The parameter is required (yyyy-MM).");
            return default;
        }

        if (DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
            && first.Year is >= MinYear and <= MaxYear)
        {
            return (first.Year, first.Month);
        }

        Error(field, "Must be a month as yyyy-MM.");
        return default;
    }

    /// <summary>API.md: a line id is 1–32 of <c>A-Z a-z 0-9 -</c>.</summary>
    public static bool IsLineId(string? value) => value is not null && LineIdPattern().IsMatch(value);

    public string LineId(string field, string? value)
    {
        if (!IsLineId(value))
        {
            Error(field, "A line id is 1–32 characters of A–Z, a–z, 0–9 and '-'.");
        }

        return value ?? "";
    }

    public string Tac(string field, string? value)
    {
        if (!Grains.Interfaces.Imei.IsValidTac(value))
        {
            Error(field, "A TAC is 8 digits.");
        }

        return value ?? "";
    }

    /// <summary>The refusal to send, in the contract's order: field errors, then IMEI, then a future timestamp.</summary>
    public WarrantyError Problem()
    {
        if (_errors.Count > 0)
        {
            return WarrantyError.Invalid(ErrorCodes.InvalidRequest, "The request is not valid; see errors.", ErrorMap());
        }

        if (_badImei)
        {
            return WarrantyError.Invalid(ErrorCodes.InvalidImei, "An IMEI is 15 digits ending in a valid Luhn check digit (REG-3).");
        }

        return WarrantyError.Invalid(
            ErrorCodes.TimestampInFuture, $"The timestamp is more than {FutureTolerance.TotalMinutes:0} minutes in the future.");
    }

    private Dictionary<string, string[]> ErrorMap() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9-]{1,32}$")]
    private static partial Regex LineIdPattern();

    [GeneratedRegex(@"(Z|z|[+-]\d{2}:?\d{2})$")]
    private static partial Regex OffsetSuffix();
}
