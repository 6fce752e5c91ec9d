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
