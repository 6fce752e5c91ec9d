using System.Diagnostics.CodeAnalysis;

namespace Warranty.Api.Http;

/// <summary>
/// Reads the fields of one request input (a body, an object inside one, or a query's record) through a
/// <see cref="RequestReader"/>: whether a
/// field may be missing comes from its record's declaration (<see cref="RequestFields"/>, <c>[Required]</c>), so a missing
/// required field is refused here, once, with "The field is required.", and a missing optional one reads as absent.
/// Fields are named by their property (<c>nameof</c>); errors are keyed by their JSON path (<c>device.declarations.businessUse</c>).
/// </summary>
/// <remarks>
/// Errors are reported in the order fields are read, so each body reads its fields in the order the contract reports them.
/// The value read for a missing or malformed field is a placeholder: the reader has failed, and nothing is built from it.
/// </remarks>
public readonly struct FieldReader
{
    private const string RequiredMessage = "The field is required.";

    private readonly RequestReader _reader;
    private readonly RequestFields _fields;
    private readonly string _prefix;

    internal FieldReader(RequestReader reader, RequestFields fields, string prefix = "")
    {
        _reader = reader;
        _fields = fields;
        _prefix = prefix;
    }

    /// <summary>Refuses <paramref name="property"/> for a rule between fields (an inspection's reason).</summary>
    public void Error(string property, string message) => _reader.Error(NameOf(property), message);

    /// <summary>A line id; its own message also covers a missing one.</summary>
    public string LineId(string property, string? value) => _reader.LineId(NameOf(property), value);

    /// <summary>A month, yyyy-MM (a query's); its own message also covers a missing one.</summary>
    public (int Year, int Month) Month(string property, string? value) => _reader.Month(NameOf(property), value);

    /// <summary>An IMEI (REG-3); a malformed one makes the request <c>invalid_imei</c>.</summary>
    public string Imei(string property, string? value) => Missing(property, value is null, out var name) ? "" : _reader.Imei(name, value!);

    /// <summary>One of <typeparamref name="T"/>'s snake_case values.</summary>
    public T Enum<T>(string property, string? value) where T : struct, Enum =>
        Missing(property, value is null, out var name) ? default : _reader.Enum<T>(name, value!);

    /// <summary>A date, yyyy-MM-dd.</summary>
    public DateOnly Date(string property, string? value) => Missing(property, value is null, out var name) ? default : _reader.Date(name, value!);

    /// <summary>A timestamp with an offset; a missing optional one is now (API.md).</summary>
    public DateTimeOffset Timestamp(string property, string? value) =>
        Missing(property, value is null, out var name) ? _reader.Now : _reader.Timestamp(name, value!);

    /// <summary>A flag; a missing optional one is false.</summary>
    public bool Flag(string property, bool? value) => !Missing(property, value is null, out _) && value!.Value;

    /// <summary>Text of at most <paramref name="maxLength"/> characters; blank text is missing where the field is required.</summary>
    public string Text(string property, string? value, int maxLength = 200)
    {
        var required = _fields[property].Required;
        return Missing(property, required ? string.IsNullOrWhiteSpace(value) : value is null, out var name) ? "" : _reader.Text(name, value!, maxLength);
    }

    /// <summary>An amount of yen from 0 (CLM-4).</summary>
    public int Yen(string property, long? value) => WholeNumber(property, value, "Must be a whole number of yen from 0.");

    /// <summary>A count from 0.</summary>
    public int Count(string property, long? value) => WholeNumber(property, value, "Must be a whole number from 0.");

    /// <summary>
    /// An object inside the body, whose own fields <paramref name="fields"/> reads. A missing one is one error (when it
    /// is required), not one for each of its fields; false then.
    /// </summary>
    public bool Nested<T>(string property, [NotNullWhen(true)] T? value, out FieldReader fields) where T : class
    {
        var missing = Missing(property, value is null, out var name);
        fields = missing ? default : new FieldReader(_reader, RequestFields.Of(typeof(T)), name + ".");
        return !missing;
    }

    private string NameOf(string property) => _prefix + _fields[property].Name;

    private int WholeNumber(string property, long? value, string message)
    {
        if (Missing(property, value is null, out var name))
        {
            return 0;
        }

        if (value is < 0 or > int.MaxValue)
        {
            _reader.Error(name, message);
        }

        return (int)Math.Clamp(value!.Value, 0, int.MaxValue);
    }

    /// <summary>True when the field has no value; an error when the declaration requires one.</summary>
    private bool Missing(string property, bool absent, out string name)
    {
        var field = _fields[property];
        name = _prefix + field.Name;
        if (absent && field.Required)
        {
            _reader.Error(name, RequiredMessage);
        }

        return absent;
    }
}
